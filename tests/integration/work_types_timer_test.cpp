// idle_churn and timer_latency: sample counts follow the configured period
// and idle_churn spends most of its wall time off-CPU.
#include <gtest/gtest.h>
#include <sys/prctl.h>

#include <algorithm>

#include "work_types_misc_util.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;

class TimerModes : public ::testing::TestWithParam<CloneMode> {};

TEST_P(TimerModes, TimerLatencySamplesFollowTheInterval) {
  auto reports =
      run_reports("timer_latency", 1, {{"interval_us", "1000"}}, GetParam(), 800'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  const double expected = static_cast<double>(r.wall_time_ns) / 1e6;  // one per ms
  const auto samples = static_cast<double>(r.wake_sample_total);
  const double missed = extra_or(r, "missed_deadlines", -1);
  ASSERT_GE(missed, 0) << "missed_deadlines not reported";
  // Every period is either sampled once or counted as missed after a
  // stall; a loaded 2-CPU VM misses some, but most must be sampled.
  EXPECT_GE(samples + missed, 0.9 * expected - 2) << "wall " << r.wall_time_ns << "ns";
  EXPECT_LE(samples + missed, 1.05 * expected + 2) << "a deadline was sampled twice";
  EXPECT_GE(samples, 0.5 * expected);
  EXPECT_EQ(r.wake_sample_total, r.iterations);
  // Lateness is bounded below by zero and should usually be well under an
  // interval; the median says the timer is honoured at all.
  ASSERT_FALSE(r.wake_latencies_ns.empty());
  auto lat = r.wake_latencies_ns;
  std::nth_element(lat.begin(), lat.begin() + lat.size() / 2, lat.end());
  EXPECT_LT(lat[lat.size() / 2], 1'000'000u) << "median lateness >= one interval";
}

TEST_P(TimerModes, IdleChurnSleepsMostOfTheTime) {
  auto reports =
      run_reports("idle_churn", 1, {{"burst", "1ms"}, {"sleep", "5ms"}}, GetParam(), 600'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  // A cycle is burst + sleep + the sleep's overshoot (the wake sample), so
  // the cycle count follows from the wall time and the mean overshoot.
  const double overshoot_ms = extra_or(r, "mean_overshoot_us", -1) / 1e3;
  ASSERT_GE(overshoot_ms, 0);
  const double wall_ms = static_cast<double>(r.wall_time_ns) / 1e6;
  EXPECT_LE(static_cast<double>(r.iterations), 1.05 * wall_ms / 6.0 + 1);
  EXPECT_GE(static_cast<double>(r.iterations), 0.7 * wall_ms / (6.0 + overshoot_ms) - 1);
  EXPECT_EQ(r.wake_sample_total, r.iterations) << "one overshoot sample per cycle";
  EXPECT_EQ(extra_or(r, "cycles", -1), static_cast<double>(r.iterations));
  EXPECT_GT(r.off_cpu_ns, r.cpu_time_ns) << "a 1ms/5ms cycle must be mostly asleep";
  EXPECT_GT(r.cpu_time_ns, 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, TimerModes, ::testing::Values(CloneMode::kFork, CloneMode::kThread),
                         mode_param_name);

TEST(TimerWorkTypes, PreciseTimingLowersOnlyTheWorkersSlack) {
  const int slack_before = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  auto reports = run_reports("idle_churn", 1, {{"precise_timing", "true"}, {"sleep", "2ms"}},
                             CloneMode::kThread, 300'000'000);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports[0].warnings.empty());
  EXPECT_GT(reports[0].wake_sample_total, 0u);
  EXPECT_EQ(reports[0].wake_sample_total, reports[0].iterations);
  // The worker thread restored its own slack and never touched ours.
  EXPECT_EQ(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), slack_before);
}

TEST(TimerWorkTypes, ZeroKnobsAreRejectedByName) {
  expect_rejected("idle_churn", {{"burst", "0ms"}}, "burst");
  expect_rejected("idle_churn", {{"sleep", "0ms"}}, "sleep");
  expect_rejected("timer_latency", {{"interval_us", "0"}}, "interval_us");
}

}  // namespace
}  // namespace ktstr::testing
