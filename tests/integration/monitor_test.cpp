// The in-run monitor on the host (docs/scenarios.md "Monitor and stranded
// tasks"): the engine samples every worker at the period asked for, the
// result carries the series and the measured cost, and EEVDF strands
// nothing. The stranded-task failure itself is proven in the VM under
// scx_qmap (tests/vm/vm_run_test.cpp) and on synthetic samples
// (tests/unit/check_stranded_test.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "scenario/builder.hpp"
#include "scenario/engine.hpp"
#include "scenario_support.hpp"

namespace ktstr::scenario {
namespace {

TEST(Monitor, SamplesEveryWorkerAtThePeriodAndReportsItsCost) {
  KTSTR_SCENARIO_PRECONDITIONS();
  auto s = ScenarioBuilder("monitor_host")
               .duration("1s")
               .cgroup(Cgroup("cg_0").work(Work("spin_wait").workers(3)))
               .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "monitor";
  o.monitor_period_ns = 50'000'000;
  auto r = run_scenario(*s, o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  const auto& m = r.monitor;
  EXPECT_DOUBLE_EQ(m.period_ms, 50);
  // 1 s at 50 ms: ~20 samples plus the first and last; a loaded host may
  // skip periods but not most of them.
  EXPECT_GE(m.samples, 12u);
  EXPECT_LE(m.samples, 23u);
  EXPECT_EQ(m.tasks, 3u);
  EXPECT_EQ(m.cpus.size(), static_cast<size_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_TRUE(m.consistent());
  EXPECT_GT(m.cost_us_per_sample, 0);
  EXPECT_LT(m.cost_us_per_sample, 20'000);
  // Three spinners: about three workers runnable across the CPUs on average.
  double runnable = 0;
  for (const auto& cpu : m.runnable) {
    for (double v : cpu) runnable += v;
  }
  runnable /= static_cast<double>(m.t_ms.size());
  EXPECT_GT(runnable, 2.0);
  EXPECT_LE(runnable, 3.0);
  const auto it = std::find_if(r.checks.begin(), r.checks.end(),
                               [](const auto& c) { return c.name == "max_stranded_ms"; });
  ASSERT_NE(it, r.checks.end());
  EXPECT_EQ(it->verdict, check::Verdict::kPass) << it->detail;
}

}  // namespace
}  // namespace ktstr::scenario
