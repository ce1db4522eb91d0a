// Every numeric input is range-checked before it is narrowed or used
// (issue 17, items 1-2): one table per input path, each row a value and the
// words its refusal must contain (or "" when it is accepted).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/preflight.hpp"
#include "scenario/toml_loader.hpp"
#include "topology/spec.hpp"
#include "util/cpu_list.hpp"
#include "util/duration.hpp"
#include "workload/spec.hpp"

namespace ktstr {
namespace {

using workload::SpecField;
using workload::SpecSource;

struct FieldRow {
  SpecField field;
  SpecSource source;
  int64_t value;
  const char* refusal;  // "" = accepted
};

TEST(InputRanges, FieldValues) {
  const std::vector<FieldRow> rows = {
      {SpecField::kWorkers, SpecSource::kCli, 1, ""},
      {SpecField::kWorkers, SpecSource::kCli, 4096, ""},
      {SpecField::kWorkers, SpecSource::kCli, 0, "--workers must be in 1..4096, got 0"},
      {SpecField::kWorkers, SpecSource::kCli, -1, "--workers must be in 1..4096, got -1"},
      {SpecField::kWorkers, SpecSource::kScenario, INT64_MAX, "workers must be in 1..4096"},
      {SpecField::kWorkers, SpecSource::kApi, 0, ""},
      {SpecField::kNice, SpecSource::kCli, -20, ""},
      {SpecField::kNice, SpecSource::kCli, 19, ""},
      {SpecField::kNice, SpecSource::kCli, 40, "--nice must be in -20..19, got 40"},
      {SpecField::kNice, SpecSource::kScenario, -21, "nice must be in -20..19, got -21"},
      {SpecField::kUid, SpecSource::kScenario, 0, ""},
      {SpecField::kUid, SpecSource::kScenario, 4294967294, ""},
      {SpecField::kUid, SpecSource::kScenario, 4294967295, "uid must be in 0..4294967294"},
      {SpecField::kUid, SpecSource::kScenario, 4294967296, "got 4294967296"},
      {SpecField::kGid, SpecSource::kScenario, -1, "gid must be in 0..4294967294, got -1"},
      {SpecField::kNumaNode, SpecSource::kScenario, 1023, ""},
      {SpecField::kNumaNode, SpecSource::kScenario, 1024, "numa_node must be in 0..1023"},
      {SpecField::kNumaNode, SpecSource::kScenario, -1, "numa_node must be in 0..1023"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(testing::Message() << workload::field_name(r.field, r.source) << "=" << r.value);
    auto st = workload::check_field_value(r.field, r.value, r.source);
    if (*r.refusal == '\0') {
      EXPECT_TRUE(st) << st.error().message;
    } else {
      ASSERT_FALSE(st);
      EXPECT_EQ(st.error().kind, ErrorKind::kInvalidInput);
      EXPECT_NE(st.error().message.find(r.refusal), std::string::npos) << st.error().message;
    }
  }
}

struct TextRow {
  const char* text;
  const char* refusal;  // "" = accepted
};

void expect_rows(const std::vector<TextRow>& rows, const std::function<Status(const char*)>& f) {
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto st = f(r.text);
    if (*r.refusal == '\0') {
      EXPECT_TRUE(st) << st.error().describe();
    } else {
      ASSERT_FALSE(st);
      EXPECT_EQ(st.error().kind, ErrorKind::kInvalidInput);
      EXPECT_NE(st.error().describe().find(r.refusal), std::string::npos) << st.error().describe();
    }
  }
}

TEST(InputRanges, CpuListsStopAtTheLargestCpuNumber) {
  expect_rows({{"0-8191", ""},
               {"8192", "CPU 8192 is past the largest CPU number Linux supports (8191)"},
               {"0-2147483647", "CPU 2147483647 is past"},
               {"0-99999999999", "bad number"},
               {"-1", "bad number"}},
              [](const char* t) -> Status {
                auto c = parse_cpu_list(t);
                if (!c) return unexpected(c.error());
                return {};
              });
}

TEST(InputRanges, DurationsAreFiniteAndAtMost30Days) {
  expect_rows({{"720h", ""},
               {"721h", "longer than 720h"},
               {"1e30s", "longer than 720h"},
               {"inf", "is not a duration"},
               {"nans", "is not a duration"},
               {"-1s", "is not a duration"}},
              [](const char* t) -> Status {
                auto ns = parse_duration_ns(t);
                if (!ns) return unexpected(ns.error());
                return {};
              });
}

std::string file_with_work(const std::string& work_keys) {
  return "name = \"r\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\nwork = [{ type = "
         "\"spin_wait\", " +
         work_keys + " }]\n";
}

Status load(const std::string& text) {
  auto s = scenario::parse_scenario_toml(text, "r.toml");
  if (!s) return unexpected(s.error());
  return {};
}

TEST(InputRanges, ScenarioWorkKeysAreCheckedBeforeNarrowing) {
  const std::vector<std::pair<std::string, const char*>> rows = {
      {"workers = 2, uid = 65534, gid = 65534, nice = 5, numa_node = 0", ""},
      {"workers = -1", "r.toml:5: workers must be in 1..4096, got -1"},
      {"workers = 9223372036854775807", "workers must be in 1..4096, got 9223372036854775807"},
      {"uid = 4294967296", "uid must be in 0..4294967294, got 4294967296"},
      {"gid = -1", "gid must be in 0..4294967294, got -1"},
      {"nice = 40", "nice must be in -20..19, got 40"},
      {"numa_node = 4294967296", "numa_node must be in 0..1023"},
      {"mem_policy = \"bind:2000\"", "node 2000 is outside 0..1023"},
      {"affinity = { random_subset = 100000 }", "random_subset needs a count in 1..8192"},
      {"affinity = { exact = [0, 9000] }", "CPU numbers must be integers in 0..8191"},
  };
  for (const auto& [keys, refusal] : rows) {
    SCOPED_TRACE(keys);
    auto st = load(file_with_work(keys));
    if (*refusal == '\0') {
      EXPECT_TRUE(st) << st.error().describe();
    } else {
      ASSERT_FALSE(st);
      EXPECT_NE(st.error().describe().find(refusal), std::string::npos) << st.error().describe();
    }
  }
}

TEST(InputRanges, ScenarioCgroupNumbers) {
  auto cg = [](const std::string& keys) {
    return "name = \"r\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\n" + keys + "\n";
  };
  const std::vector<std::pair<std::string, const char*>> rows = {
      {"cpuset = { llc = 4294967296 }", "cpuset llc must be in 0..8191, got 4294967296"},
      {"cpuset = { numa = -1 }", "cpuset numa must be in 0..1023, got -1"},
      {"cpuset = { disjoint = { index = 0, of = 4294967298 } }", "of must be in 1..8192"},
      {"cpuset = { range = { start = nan, end = 1 } }", "cpuset range needs 0 <= start < end"},
      {"memory_max = \"1e30G\"", "memory_max must be bytes or a size"},
      {"memory_max = \"nan\"", "memory_max must be bytes or a size"},
      {"memory_max = \"inf\"", "memory_max must be bytes or a size"},
      {"memory_max = \"512M\"", ""},
  };
  for (const auto& [keys, refusal] : rows) {
    SCOPED_TRACE(keys);
    auto st = load(cg(keys));
    if (*refusal == '\0') {
      EXPECT_TRUE(st) << st.error().describe();
    } else {
      ASSERT_FALSE(st);
      EXPECT_NE(st.error().describe().find(refusal), std::string::npos) << st.error().describe();
    }
  }
}

TEST(InputRanges, DuplicatePayloadNamesAreRefused) {
  const std::string base =
      "name = \"r\"\nduration = \"1s\"\n[[step]]\nops = [\n"
      "  { op = \"run_payload\", name = \"p\", cmd = [\"true\"] },\n";
  EXPECT_TRUE(load(base + "  { op = \"wait_payload\", name = \"p\" },\n"
                          "  { op = \"run_payload\", name = \"p\", cmd = [\"true\"] },\n]\n"));
  auto st = load(base + "  { op = \"run_payload\", name = \"p\", cmd = [\"true\"] },\n]\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().describe().find("payload name 'p' is already running"), std::string::npos)
      << st.error().describe();
}

// The machine rules, against a synthetic 1-node, 2-LLC, 4-CPU topology.
TEST(InputRanges, PreflightAgainstTheTopologyListsEveryProblem) {
  auto t = scenario::vm_topology("1n2l2c1t");
  ASSERT_TRUE(t);
  auto s = scenario::parse_scenario_toml(
      "name = \"r\"\nduration = \"1s\"\n"
      "[[cgroup]]\nname = \"a\"\ncpuset = \"0-9\"\n"
      "work = [{ type = \"spin_wait\", workers = 1, affinity = { exact = \"2-5\" } }]\n"
      "[[cgroup]]\nname = \"b\"\ncpuset = { llc = 2 }\n"
      "work = [{ type = \"spin_wait\", workers = 1, mem_policy = \"bind:1\" }]\n"
      "[[cgroup]]\nname = \"c\"\ncpuset = { numa = 3 }\n"
      "work = [{ type = \"spin_wait\", workers = 1, numa_node = 2, params = { bogus = 1 } }]\n",
      "r.toml");
  ASSERT_TRUE(s) << s.error().describe();
  auto problems = scenario::preflight_problems(*s, *t, "the VM (1n2l2c1t)");
  std::string all;
  for (const auto& e : problems) all += e.describe() + "\n";
  EXPECT_EQ(problems.size(), 6U) << all;
  for (const char* words :
       {"r.toml:3: cpuset: CPUs 4-9 do not exist on the VM (1n2l2c1t) (its CPUs: 0-3)",
        "affinity: CPUs 4-5 do not exist on the VM (1n2l2c1t)",
        "cpuset llc = 2: the VM (1n2l2c1t) has 2 LLC(s), numbered 0..1",
        "mem_policy 'bind:1': NUMA nodes 1 do not exist", "cpuset numa = 3: that NUMA node",
        "numa_node = 2: that NUMA node does not exist"}) {
    EXPECT_NE(all.find(words), std::string::npos) << words << "\n" << all;
  }
  auto fine = scenario::parse_scenario_toml(
      "name = \"ok\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\ncpuset = \"0-3\"\n"
      "work = [{ type = \"spin_wait\", workers = 1, affinity = { exact = \"0-1\" } }]\n",
      "ok.toml");
  ASSERT_TRUE(fine);
  EXPECT_TRUE(scenario::preflight_problems(*fine, *t, "the VM").empty());
}

}  // namespace
}  // namespace ktstr
