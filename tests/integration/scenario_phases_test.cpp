// Per-phase statistics and relative checks on the host: a two-step
// scenario whose second step has four times the spinners of the first and
// its CPU cap lifted.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "leak_checker.hpp"
#include "scenario/engine.hpp"
#include "scenario/toml_loader.hpp"
#include "scenario_support.hpp"

namespace ktstr::scenario {
namespace {

constexpr const char* kTwoLoads = R"(name = "phases_two_loads"
duration = "2s"

# "light": one spinner capped at 5 ms per 100 ms (5 % of a CPU).
[[cgroup]]
name = "cg_0"
cpu_max = "5ms"
work = [{ type = "spin_wait", workers = 1 }]

[[step]]
name = "light"
hold = "50%"

# "heavy": three more spinners and the cap lifted to two whole CPUs. Group
# scheduling gives the cgroup at least its fair share of a busy host (0.2
# CPU measured under load 22 on the 2-CPU build host), several times the cap.
[[step]]
name = "heavy"
ops = [
  { op = "spawn", cgroup = "cg_0", work = [{ type = "spin_wait", workers = 3 }] },
  { op = "set_limits", cgroup = "cg_0", cpu_max = "200ms" },
]
hold = "50%"

# This test is about the relative checks: keep the busy build host's gaps
# and spreads out of the verdict.
[checks]
max_spread_pct = false
max_gap_ms = false

[[check]]
metric = "cpu_util"
phase = "heavy"
baseline = "light"
min_ratio = 1.5

# ... so "no more than 1.2x" must fail.
[[check]]
metric = "cpu_util"
phase = "heavy"
baseline = "light"
max_ratio = 1.2
)";

const check::CheckResult* find(const ScenarioResult& r, const std::string& name, bool max) {
  for (const auto& c : r.checks) {
    if (c.name != name || !c.threshold) continue;
    if ((*c.threshold == 1.2) == max) return &c;
  }
  return nullptr;
}

TEST(ScenarioPhases, TwoLoadsGivePerPhaseStatsAndRelativeVerdicts) {
  KTSTR_SCENARIO_PRECONDITIONS();
  testing::LeakChecker leaks;
  auto s = parse_scenario_toml(kTwoLoads, "phases_two_loads.toml");
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "phases";
  o.ignore_noise = true;  // the failing check must stay a failure on a busy host
  auto r = run_scenario(*s, o);
  ASSERT_TRUE(r.error.empty()) << r.error;

  const nlohmann::json j = r;
  ASSERT_EQ(j["phase_stats"].size(), 2u) << j["phase_stats"].dump(2);
  const auto& light = j["phase_stats"][0];
  const auto& heavy = j["phase_stats"][1];
  EXPECT_EQ(light["name"], "light");
  EXPECT_EQ(heavy["name"], "heavy");
  EXPECT_EQ(light["step"], 1);
  EXPECT_EQ(light["scheduler"], r.scheduler.sched_ext ? r.scheduler.name : "eevdf");
  EXPECT_EQ(light["workers"], 1);
  EXPECT_EQ(heavy["workers"], 4);
  EXPECT_NEAR(light["duration_ms"].get<double>(), 1000, 250);
  EXPECT_GT(heavy["start_ms"].get<double>(), light["start_ms"].get<double>());
  EXPECT_GT(light["iterations"].get<uint64_t>(), 0u);
  EXPECT_GT(heavy["iterations"].get<uint64_t>(), light["iterations"].get<uint64_t>());
  ASSERT_TRUE(light["schedstat_available"].get<bool>());
  // The capped spinner used at most its 5 % (plus a period's slack).
  EXPECT_GT(light["cpu_util"].get<double>(), 0.0);
  EXPECT_LE(light["cpu_util"].get<double>(), 0.08);
  EXPECT_GT(heavy["cpu_util"].get<double>(), light["cpu_util"].get<double>());

  const std::string name = "relative:cpu_util:heavy/light";
  const auto* pass = find(r, name, false);
  const auto* fail = find(r, name, true);
  ASSERT_NE(pass, nullptr);
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(pass->verdict, check::Verdict::kPass) << pass->detail;
  EXPECT_EQ(fail->verdict, check::Verdict::kFail) << fail->detail;
  ASSERT_TRUE(pass->phase_value && pass->baseline_value && pass->value);
  EXPECT_DOUBLE_EQ(*pass->phase_value, heavy["cpu_util"].get<double>());
  EXPECT_DOUBLE_EQ(*pass->baseline_value, light["cpu_util"].get<double>());
  EXPECT_NEAR(*pass->value, *pass->phase_value / *pass->baseline_value, 1e-9);
  EXPECT_NE(fail->detail.find("above max_ratio 1.2"), std::string::npos) << fail->detail;
  EXPECT_EQ(r.verdict, check::Verdict::kFail);
  EXPECT_EQ(r.reason.rfind("relative:cpu_util:heavy/light: ", 0), 0u) << r.reason;
}

}  // namespace
}  // namespace ktstr::scenario
