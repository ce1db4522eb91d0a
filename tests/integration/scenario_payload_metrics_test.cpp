// Payloads with metrics on the host: real stress-ng and hackbench runs whose
// metrics reach the result (and its JSON) and pass or fail limits on them;
// a payload that exits non-zero or whose output cannot be read fails the
// scenario naming it; a known payload's missing program is an environment
// error naming its Debian package. Tests skip when the tool is missing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scenario/engine.hpp"
#include "scenario/run_loop.hpp"
#include "scenario/toml_loader.hpp"
#include "scenario_support.hpp"
#include "sys/subprocess.hpp"

namespace ktstr::scenario {
namespace {

#define NEED_PROGRAM(name) \
  if (!sys::find_in_path(name)) GTEST_SKIP() << name " not installed (scripts/setup installs it)"

ScenarioResult run_toml(const std::string& text) {
  auto s = parse_scenario_toml(text, "payload.toml");
  EXPECT_TRUE(s) << s.error().describe();
  if (!s) return {};
  EngineOptions o;
  o.run_tag = "payload-metrics";
  o.ignore_noise = true;  // limits are timing-sensitive: judge them on a busy host too
  return run_scenario(*s, o);
}

const check::CheckResult* check_named(const ScenarioResult& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

double metric(const ScenarioResult& r, const std::string& payload, const std::string& name) {
  for (const auto& p : r.payloads) {
    for (const auto& m : p.metrics) {
      if (p.name == payload && m.name == name) return m.value;
    }
  }
  ADD_FAILURE() << "no metric " << payload << "." << name;
  return -1;
}

TEST(PayloadMetrics, StressNgBogoOpsReachTheResultAndItsChecks) {
  KTSTR_SCENARIO_PRECONDITIONS();
  NEED_PROGRAM("stress-ng");
  auto r = run_toml(R"(name = "stress_payload"
duration = "1s"
[[cgroup]]
name = "cg"
work = [{ type = "spin_wait", workers = 1 }]
[[step]]
hold = "100%"
ops = [{ op = "run_payload", name = "stress", cgroup = "cg", cmd = ["stress-ng", "--cpu", "1", "--timeout", "1s"] },
       { op = "wait_payload", name = "stress", timeout = "4s" }]
[checks]
payload.stress.cpu.bogo_ops_per_s = { min = 1 }
payload.stress.cpu.bogo_ops = { min = 1e15 }
)");
  EXPECT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.payloads.size(), 1u);
  const auto& p = r.payloads[0];
  EXPECT_EQ(p.kind, "stress-ng");
  EXPECT_EQ(p.exit, "exited with status 0");
  EXPECT_NE(p.output.find("stress-ng"), std::string::npos) << p.output;
  EXPECT_GT(metric(r, "stress", "cpu.bogo_ops_per_s"), 0);
  const auto* pass = check_named(r, "payload.stress.cpu.bogo_ops_per_s");
  const auto* fail = check_named(r, "payload.stress.cpu.bogo_ops");
  ASSERT_TRUE(pass && fail);
  EXPECT_EQ(pass->verdict, check::Verdict::kPass) << pass->detail;
  EXPECT_EQ(fail->verdict, check::Verdict::kFail) << fail->detail;
  EXPECT_EQ(r.verdict, check::Verdict::kFail);
  // The result document carries the payload, its output and its metrics.
  nlohmann::json j = r;
  ASSERT_TRUE(j.contains("payloads"));
  EXPECT_GT(j["payloads"][0]["metrics"][0]["value"].get<double>(), 0);
  EXPECT_FALSE(j["payloads"][0]["output"].get<std::string>().empty());
  EXPECT_EQ(parse_run_result(nlohmann::json(RunResult{.scenarios = {r}}).dump())
                ->scenarios[0]
                .payloads[0]
                .metrics.size(),
            p.metrics.size());
}

TEST(PayloadMetrics, HackbenchInsteadOfWorkers) {
  NEED_PROGRAM("hackbench");
  auto r = run_toml(R"(name = "hackbench_payload"
duration = "200ms"
[[step]]
hold = "100%"
ops = [{ op = "run_payload", name = "hb", cmd = ["hackbench", "-g", "1", "-l", "20"] },
       { op = "wait_payload", name = "hb", timeout = "4s" }]
[checks]
payload.hb.time_s = { max = 60 }
)");
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_GT(metric(r, "hb", "time_s"), 0);
  const auto* c = check_named(r, "payload.hb.time_s");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->verdict, check::Verdict::kPass) << c->detail;
  EXPECT_EQ(r.verdict, check::Verdict::kPass) << r.reason;
}

TEST(PayloadMetrics, NonZeroExitFailsNamingThePayloadWithItsOutput) {
  auto r = run_toml(R"(name = "failing_payload"
duration = "100ms"
[[step]]
ops = [{ op = "run_payload", name = "bad", cmd = ["sh", "-c", "echo first; echo boom >&2; exit 3"] },
       { op = "wait_payload", name = "bad", timeout = "4s" }]
)");
  EXPECT_EQ(r.verdict, check::Verdict::kFail);
  const auto* c = check_named(r, "payload.bad");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->verdict, check::Verdict::kFail);
  EXPECT_NE(c->detail.find("payload bad (generic): exited with status 3"), std::string::npos)
      << c->detail;
  EXPECT_NE(c->detail.find("first\nboom"), std::string::npos) << c->detail;
  EXPECT_EQ(r.reason, "payload.bad: payload bad (generic): exited with status 3; output tail:");
}

TEST(PayloadMetrics, UnparsableOutputFailsNamingThePayload) {
  auto r = run_toml(R"(name = "unparsable_payload"
duration = "100ms"
[[step]]
ops = [{ op = "run_payload", name = "fake", kind = "hackbench", cmd = ["sh", "-c", "echo no time here"] },
       { op = "wait_payload", name = "fake", timeout = "4s" }]
)");
  EXPECT_EQ(r.verdict, check::Verdict::kFail);
  const auto* c = check_named(r, "payload.fake");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->detail.find("payload fake (hackbench): unparsable result: no \"Time: SECONDS\""),
            std::string::npos)
      << c->detail;
  EXPECT_NE(c->detail.find("no time here"), std::string::npos) << c->detail;
}

TEST(PayloadMetrics, MissingKnownProgramIsAnEnvironmentErrorNamingThePackage) {
  auto r = run_toml(R"(name = "missing_payload"
duration = "100ms"
[[step]]
ops = [{ op = "run_payload", name = "ct", kind = "cyclictest", cmd = ["/nonexistent/cyclictest"] }]
)");
  ASSERT_TRUE(r.error_kind);
  EXPECT_EQ(*r.error_kind, ErrorKind::kEnvironment);
  EXPECT_NE(r.error.find("install the Debian package rt-tests"), std::string::npos) << r.error;
  RunResult run;
  run.scenarios = {r};
  EXPECT_EQ(run_exit_code(run, false), 3);
}

}  // namespace
}  // namespace ktstr::scenario
