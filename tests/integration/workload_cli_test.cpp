// `ktstr workload` end to end through the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "leak_checker.hpp"

namespace ktstr {
namespace {

using testing::run_ktstr;

void expect_futex_reports(const std::string& mode) {
  auto r = run_ktstr({"workload", "--type", "futex_ping_pong", "--workers", "4", "--duration", "1s",
                      "--clone-mode", mode, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["reports"].size(), 4u);
  for (const auto& rep : j["reports"]) {
    EXPECT_TRUE(rep["completed"].get<bool>());
    EXPECT_GT(rep["wake_latencies_ns"].size(), 0u);
    EXPECT_GT(rep["wake_sample_total"].get<uint64_t>(), 0u);
  }
  EXPECT_EQ(j["summary"]["workers"], 4);
  EXPECT_GT(j["summary"]["wake_p50_ns"].get<uint64_t>(), 0u);
  EXPECT_GE(j["summary"]["wake_p99_ns"].get<uint64_t>(),
            j["summary"]["wake_p50_ns"].get<uint64_t>());
}

TEST(WorkloadCli, FutexPingPongForkJson) {
  expect_futex_reports("fork");
}
TEST(WorkloadCli, FutexPingPongThreadJson) {
  expect_futex_reports("thread");
}

TEST(WorkloadCli, TextOutputHasTableAndSummary) {
  auto r = run_ktstr({"workload", "--type", "spin_wait", "--workers", "2", "--duration", "300ms"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("work_units"), std::string::npos);
  EXPECT_NE(r.out.find("spin_wait: 2/2 workers completed"), std::string::npos) << r.out;
}

TEST(WorkloadCli, InvalidInputExits2NamingTheField) {
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  std::vector<Case> cases = {
      {{"workload", "--type", "futex_ping_pong", "--workers", "3"}, "multiple of 2"},
      {{"workload", "--type", "nope"}, "does not exist"},
      {{"workload", "--duration", "10"}, "--duration"},
      {{"workload", "--param", "x"}, "--param"},
      {{"workload", "--param", "x=1"}, "no parameter 'x'"},
      {{"workload", "--clone-mode", "vfork"}, "--clone-mode"},
      {{"workload", "--policy", "fifo:0"}, "--policy"},
      {{"workload", "--workers", "0"}, "--workers"},
      {{"workload", "--bogus"}, "bogus"},
  };
  for (const auto& c : cases) {
    auto r = run_ktstr(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << ": " << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
  }
}

TEST(WorkloadCli, CtrlCStopsWorkersAndPrintsWhatWasCollected) {
  testing::LeakChecker leaks;
  auto r = run_ktstr(
      {"workload", "--type", "futex_ping_pong", "--workers", "2", "--duration", "60s", "--json"},
      700);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["reports"].size(), 2u);
  EXPECT_GT(j["reports"][0]["work_units"].get<uint64_t>(), 0u);
  EXPECT_NE(r.err.find("interrupted"), std::string::npos);
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadCli, ListWorkTypesJson) {
  auto r = run_ktstr({"list", "work-types", "--json"});
  ASSERT_EQ(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& t : j) {
    if (t["name"] == "futex_ping_pong") {
      found = true;
      EXPECT_EQ(t["group_size"], 2);
      EXPECT_EQ(t["params"][0]["name"], "spin_iters");
      EXPECT_EQ(t["params"][0]["default"], "1024");
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ktstr
