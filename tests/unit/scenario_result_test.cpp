// The run result's JSON (docs/results.md) written from one field list per
// struct, and the typed kinds and verdicts that cross layers as text.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "scenario/result.hpp"
#include "util/error_kind.hpp"
#include "vm/guest_verdict.hpp"

namespace ktstr::scenario {
namespace {

std::set<std::string> keys_of(const nlohmann::json& j) {
  std::set<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.insert(key);
  return keys;
}

ScenarioResult full_scenario() {
  ScenarioResult s;
  s.name = "steady";
  s.category = "basic";
  s.description = "two cgroups";
  s.source = "builtin:scenarios/steady.toml";
  s.repeat = 2;
  s.verdict = check::Verdict::kInconclusive;
  s.reason = "no samples";
  s.duration_ms = 1234.5;
  s.planned_duration_ms = 1000;
  s.checks.emplace_back().name = "max_gap_ms";
  s.stats.scenario.workers = 3;
  s.timeline.push_back({1.5, "step", "step 1", {{"a", 7}}});
  s.reports = std::vector<CgroupReports>{{"a", {workload::WorkerReport{}}}};
  s.scheduler.name = "scx_simple";
  s.interrupted = true;
  s.error_kind = ErrorKind::kEnvironment;
  s.error = "no cpuset controller";
  s.warnings = {"nice 5 not applied"};
  s.noise.level = "high";
  s.noise.outside_load_cpus = 0.9;
  return s;
}

TEST(ScenarioResultJson, EveryDocumentedKeyRoundTrips) {
  const ScenarioResult s = full_scenario();
  const nlohmann::json j = s;
  EXPECT_EQ(keys_of(j),
            (std::set<std::string>{
                "name",    "category",    "description",         "source",     "repeat", "verdict",
                "reason",  "duration_ms", "planned_duration_ms", "checks",     "stats",  "timeline",
                "reports", "scheduler",   "interrupted",         "error_kind", "error",  "warnings",
                "phases",  "noise",       "phase_stats"}));
  EXPECT_EQ(j["verdict"], "inconclusive");
  EXPECT_EQ(j["error_kind"], "environment");
  const auto back = j.get<ScenarioResult>();
  EXPECT_EQ(nlohmann::json(back), j);
  EXPECT_EQ(back.error_kind, ErrorKind::kEnvironment);
  EXPECT_EQ(back.verdict, check::Verdict::kInconclusive);
  ASSERT_TRUE(back.reports);
  EXPECT_EQ(back.reports->at(0).cgroup, "a");
}

// Without --raw the key is absent, not null; no error is "".
TEST(ScenarioResultJson, AbsentReportsAndErrorKind) {
  ScenarioResult s;
  const nlohmann::json j = s;
  EXPECT_FALSE(j.contains("reports"));
  EXPECT_EQ(j["error_kind"], "");
  EXPECT_EQ(j["verdict"], "pass");
  const auto back = j.get<ScenarioResult>();
  EXPECT_FALSE(back.error_kind);
  EXPECT_FALSE(back.reports);
}

// Missing keys read as defaults; a missing or non-text verdict as pass, an
// unknown one as fail; an unknown error kind as runtime.
TEST(ScenarioResultJson, LenientReading) {
  auto s =
      nlohmann::json::parse(R"({"name": "x", "error_kind": "cosmic_ray"})").get<ScenarioResult>();
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.verdict, check::Verdict::kPass);
  EXPECT_EQ(s.error_kind, ErrorKind::kRuntime);
  EXPECT_TRUE(s.timeline.empty());
  s = nlohmann::json::parse(R"({"verdict": "maybe", "error_kind": ""})").get<ScenarioResult>();
  EXPECT_EQ(s.verdict, check::Verdict::kFail);
  EXPECT_FALSE(s.error_kind);
  s = nlohmann::json::parse(R"({"verdict": 3})").get<ScenarioResult>();
  EXPECT_EQ(s.verdict, check::Verdict::kPass);
}

TEST(RunResultJson, EveryDocumentedKeyRoundTrips) {
  RunResult r;
  r.ktstr_version = "0.1.0";
  r.started_at = "2025-01-31T12:00:00Z";
  r.duration_ms = 99;
  r.host.hostname = "box";
  r.host.cpus = 8;
  r.verdict = check::Verdict::kFail;
  r.exit_code = 1;
  r.interrupted = true;
  r.scenarios = {full_scenario()};
  const nlohmann::json j = r;
  EXPECT_EQ(keys_of(j),
            (std::set<std::string>{"schema_version", "ktstr_version", "started_at", "duration_ms",
                                   "host", "verdict", "exit_code", "interrupted", "scenarios",
                                   "confirm", "strict", "noise"}));
  EXPECT_EQ(j["schema_version"], kResultSchemaVersion);
  EXPECT_EQ(j["verdict"], "fail");
  auto back = parse_run_result(j.dump());
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(nlohmann::json(*back), j);
  EXPECT_EQ(back->host.cpus, 8);
  // schema_version reads as 0 when missing (parse_run_result refuses it).
  EXPECT_EQ(nlohmann::json::object().get<RunResult>().schema_version, 0);
  EXPECT_FALSE(parse_run_result("{}"));
}

TEST(TypedSeams, ErrorKindText) {
  for (auto k : {ErrorKind::kInvalidInput, ErrorKind::kEnvironment, ErrorKind::kRuntime}) {
    EXPECT_EQ(parse_error_kind(to_string(k)), k);
  }
  EXPECT_EQ(to_string(ErrorKind::kInvalidInput), "invalid_input");
  EXPECT_EQ(to_string(ErrorKind::kEnvironment), "environment");
  EXPECT_EQ(to_string(ErrorKind::kRuntime), "runtime");
  EXPECT_EQ(to_string(std::optional<ErrorKind>()), "");
  EXPECT_FALSE(parse_error_kind(""));
  EXPECT_FALSE(parse_error_kind("Runtime"));
}

TEST(TypedSeams, GuestVerdictText) {
  using vm::GuestVerdict;
  for (auto v : {GuestVerdict::kPass, GuestVerdict::kFail, GuestVerdict::kError}) {
    EXPECT_EQ(vm::parse_guest_verdict(vm::to_string(v)), v);
  }
  EXPECT_EQ(nlohmann::json(GuestVerdict::kPass), "pass");
  EXPECT_EQ(nlohmann::json(GuestVerdict::kFail), "fail");
  EXPECT_EQ(nlohmann::json(GuestVerdict::kError), "error");
  EXPECT_FALSE(vm::parse_guest_verdict("passed"));
}

}  // namespace
}  // namespace ktstr::scenario
