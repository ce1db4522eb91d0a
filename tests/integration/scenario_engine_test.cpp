// The scenario engine on real cgroups (the v1 fallback on the build hosts):
// per-cgroup statistics, cpuset isolation, a deliberately failing scenario,
// teardown.
#include <gtest/gtest.h>

#include <regex>

#include "leak_checker.hpp"
#include "scenario/builder.hpp"
#include "scenario/engine.hpp"
#include "scenario_support.hpp"

namespace ktstr::scenario {
namespace {

const check::CheckResult* find_check(const ScenarioResult& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string dump(const ScenarioResult& r) {
  std::string s = fmt::format("verdict {} reason '{}' error '{}'\n", check::to_string(r.verdict),
                              r.reason, r.error);
  for (const auto& c : r.checks) {
    s += fmt::format("  {} {} {}\n", c.name, check::to_string(c.verdict), c.detail);
  }
  for (const auto& w : r.warnings) s += "  warning: " + w + "\n";
  return s;
}

TEST(ScenarioEngine, SteadyPassesWithPerCgroupStats) {
  KTSTR_SCENARIO_PRECONDITIONS();
  testing::LeakChecker leaks;
  auto s = ScenarioBuilder("engine_steady")
               .duration("1500ms")
               .cgroup(Cgroup("cg_0").work(Work("spin_wait").workers_pct(100)))
               .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "steady";
  auto r = run_scenario(*s, o);
  EXPECT_EQ(r.verdict, check::Verdict::kPass) << dump(r);
  ASSERT_EQ(r.stats.cgroups.size(), 1u);
  const auto& cg = r.stats.cgroups[0];
  EXPECT_EQ(cg.name, "cg_0");
  EXPECT_EQ(cg.workers, static_cast<size_t>(sysconf(_SC_NPROCESSORS_ONLN) > 2
                                                ? sysconf(_SC_NPROCESSORS_ONLN) - 1
                                                : sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_EQ(cg.completed, cg.workers);
  EXPECT_GT(cg.iterations, 100u);
  EXPECT_FALSE(cg.cpus_used.empty());
  EXPECT_GE(r.duration_ms, 1500);
  EXPECT_EQ(r.stats.scenario.workers, cg.workers);
  std::vector<std::string> kinds;
  for (const auto& e : r.timeline) kinds.push_back(e.kind);
  for (const char* k : {"setup", "spawn", "start", "step", "stop", "teardown"}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << k;
  }
  EXPECT_GT(r.timeline.back().iterations.at("cg_0"), 0u);
  ASSERT_NE(find_check(r, "not_starved"), nullptr);
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
  EXPECT_EQ(leaks.check(), "");
}

TEST(ScenarioEngine, CpusetConfinedWorkersNeverLeaveIt) {
  KTSTR_SCENARIO_PRECONDITIONS();
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs 2 CPUs";
  auto s =
      ScenarioBuilder("engine_isolation")
          .duration("1s")
          .cgroup(Cgroup("cg_0")
                      .cpuset(CpusetSpec::disjoint(0, 2))
                      .work(Work("yield_heavy").workers(3)))
          .cgroup(Cgroup("cg_1").cpuset(CpusetSpec::disjoint(1, 2)).work(Work("mixed").workers(2)))
          .check("isolation", true)
          .check("max_spread_pct", false)
          .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "iso";
  auto r = run_scenario(*s, o);
  const auto* iso = find_check(r, "isolation");
  ASSERT_NE(iso, nullptr) << dump(r);
  EXPECT_EQ(iso->verdict, check::Verdict::kPass) << dump(r);
  ASSERT_EQ(r.stats.cgroups.size(), 2u);
  for (const auto& cg : r.stats.cgroups) {
    ASSERT_TRUE(cg.cpuset) << cg.name;
    for (int cpu : cg.cpus_used) EXPECT_TRUE(cg.cpuset->count(cpu)) << cg.name << " cpu " << cpu;
    EXPECT_FALSE(cg.cpus_used.empty());
  }
  EXPECT_NE(*r.stats.cgroups[0].cpuset, *r.stats.cgroups[1].cpuset);
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

TEST(ScenarioEngine, EightSpinnersOnOneCpuFailATightGapLimit) {
  KTSTR_SCENARIO_PRECONDITIONS();
  auto s = ScenarioBuilder("engine_overloaded")
               .duration("1500ms")
               .cgroup(Cgroup("pinned")
                           .cpuset(CpusetSpec::exact({0}))
                           .work(Work("spin_wait").workers(8).affinity(affinity::single_cpu())))
               .check("max_gap_ms", 5)
               .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "gap";
  auto r = run_scenario(*s, o);
  EXPECT_EQ(r.verdict, check::Verdict::kFail) << dump(r);
  const auto* gap = find_check(r, "max_gap_ms");
  ASSERT_NE(gap, nullptr);
  EXPECT_EQ(gap->verdict, check::Verdict::kFail);
  EXPECT_EQ(gap->source, check::ThresholdSource::kTest);
  EXPECT_DOUBLE_EQ(*gap->threshold, 5);
  EXPECT_GT(*gap->value, 5);
  EXPECT_EQ(gap->cgroup, "pinned");
  EXPECT_TRUE(std::regex_search(
      gap->detail,
      std::regex(
          R"(^cgroup pinned: worker \d \(tid \d+\) max gap \d+ms on cpu0 at \+\d+ms > 5ms)")))
      << gap->detail;
  EXPECT_EQ(r.reason.rfind("max_gap_ms: ", 0), 0u) << r.reason;
  EXPECT_EQ(r.stats.cgroups.at(0).cpus_used, CpuSet{0});
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

TEST(ScenarioEngine, OpsChangeCpusetsMidRunAndAreOnTheTimeline) {
  KTSTR_SCENARIO_PRECONDITIONS();
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs 2 CPUs";
  auto s =
      ScenarioBuilder("engine_ops")
          .duration("1200ms")
          .cgroup(Cgroup("a").cpuset(CpusetSpec::disjoint(0, 2)).work(Work("mixed").workers(1)))
          .cgroup(Cgroup("b").cpuset(CpusetSpec::disjoint(1, 2)).work(Work("mixed").workers(1)))
          .step({}, Hold::of(0.3))
          .step({ops::swap_cpusets("a", "b"),
                 ops::add_cgroup(Cgroup("c").work(Work("yield_heavy").workers(1)))},
                Hold::of(0.3))
          .step({ops::remove_cgroup("c"),
                 ops::add_cgroup(Cgroup("c").work(Work("yield_heavy").workers(1)))},
                Hold::share().loop(150'000'000))
          .check("isolation", true)
          .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "ops";
  auto r = run_scenario(*s, o);
  EXPECT_TRUE(r.error.empty()) << dump(r);
  EXPECT_NE(r.verdict, check::Verdict::kFail) << dump(r);
  size_t loops = 0, swaps = 0;
  for (const auto& e : r.timeline) {
    loops += e.kind == "loop";
    swaps += e.detail.rfind("swap_cpusets", 0) == 0;
  }
  EXPECT_EQ(swaps, 1u);
  EXPECT_GE(loops, 4u);  // two ops per ~150ms loop over ~480ms
  ASSERT_EQ(r.stats.cgroups.size(), 3u);
  EXPECT_GE(r.stats.cgroups[2].workers, 3u);  // c recreated with a fresh worker each time
  // Swapped cpusets: each cgroup was allowed both halves over the run.
  EXPECT_EQ(r.stats.cgroups[0].cpuset->size(), 2u);
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

TEST(ScenarioEngine, MissingRequirementSkipsWithTheReason) {
  auto s = ScenarioBuilder("engine_skip").require("min_cpus:4096").build();
  ASSERT_TRUE(s);
  auto r = run_scenario(*s, {});
  EXPECT_EQ(r.verdict, check::Verdict::kSkip);
  EXPECT_EQ(r.reason.rfind("needs at least 4096 CPUs", 0), 0u) << r.reason;
}

TEST(ScenarioEngine, UnknownWorkTypeFailsNamingIt) {
  KTSTR_SCENARIO_PRECONDITIONS();
  auto s = ScenarioBuilder("engine_missing_type")
               .cgroup(Cgroup("a").work(Work("not_a_real_type")))
               .build();
  ASSERT_TRUE(s);
  auto r = run_scenario(*s, {});
  EXPECT_EQ(r.verdict, check::Verdict::kFail);
  EXPECT_EQ(r.error_kind, ErrorKind::kInvalidInput);
  EXPECT_NE(r.reason.find("not_a_real_type"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace ktstr::scenario
