// rt_starvation, preempt_storm, priority_inversion, asymmetric_waker: RT
// workers are seen in SCHED_FIFO from outside while they run, RT hogging
// and priority inheritance show in the numbers, and without CAP_SYS_NICE
// the types degrade to SCHED_OTHER with a warning. Every FIFO spinner is
// pinned to the last CPU so the harness keeps CPU 0.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "integration/work_types_probe.hpp"
#include "integration/workload_harness.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;
using workload::WorkerReport;

constexpr uint64_t kRunNs = 500'000'000;
constexpr uint64_t kProbeNs = 2'000'000;
constexpr int kPolicyField = 41;  // /proc/<pid>/stat: policy
constexpr int kRtPrioField = 40;  // /proc/<pid>/stat: rt_priority

bool have_rt() {
  return geteuid() == 0;
}

class WorkTypesRt : public ::testing::Test {
 private:
  ExclusiveTestMutex exclusive_;
};

int last_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof set, &set);
  int last = 0;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) last = c;
  }
  return last;
}

workload::WorkloadConfig pinned(workload::WorkloadConfig c) {
  c.affinity.kind = workload::AffinityIntent::Kind::kExact;
  c.affinity.cpus = {last_cpu()};
  return c;
}

// Runs `config` and records, per worker index, the set of values of stat
// field `field` seen while it ran.
Result<std::vector<WorkerReport>> run_watching(const workload::WorkloadConfig& config, int field,
                                               std::map<size_t, std::set<long long>>& seen,
                                               uint64_t run_ns = kRunNs) {
  return run_and_probe(config, run_ns, kProbeNs, [&](const std::vector<pid_t>& pids) {
    for (size_t i = 0; i < pids.size(); ++i) {
      if (auto v = proc_stat_field(pids[i], field)) seen[i].insert(*v);
    }
  });
}

TEST_F(WorkTypesRt, RtStarvationRtWorkerIsFifoAndHogsItsCpu) {
  if (!have_rt()) GTEST_SKIP() << "SCHED_FIFO needs CAP_SYS_NICE (run as root)";
  std::map<size_t, std::set<long long>> seen;
  auto reports = run_watching(pinned(make_config("rt_starvation", 2)), kPolicyField, seen);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  // The policy is taken when the loop starts: the first probe may precede it.
  EXPECT_EQ(seen[0].count(SCHED_FIFO), 1U);
  EXPECT_EQ(seen[1], std::set<long long>{SCHED_OTHER});
  const auto& rt = (*reports)[0];
  const auto& cfs = (*reports)[1];
  EXPECT_EQ(rt.extra.at("rt"), 1.0);
  EXPECT_GT(rt.extra.at("rt_rests"), 0.0) << "the 50 ms rest guard must have fired";
  // Same CPU: the FIFO spinner takes most of it.
  EXPECT_GT(rt.work_units, 3 * cfs.work_units);
  EXPECT_GT(cfs.work_units, 0U) << "the rest guard leaves the normal worker some CPU";
}

TEST_F(WorkTypesRt, RtStarvationWithoutCapSysNiceDegradesToOther) {
  if (!have_rt()) GTEST_SKIP() << "needs root to drop to an unprivileged uid";
  auto config = pinned(make_config("rt_starvation", 2, {{"rt_priority", "20"}}));
  config.uid = 65534;
  config.gid = 65534;
  std::map<size_t, std::set<long long>> seen;
  auto reports = run_watching(config, kPolicyField, seen, 200'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  EXPECT_EQ(seen[0], std::set<long long>{SCHED_OTHER});
  const auto& rt = (*reports)[0];
  EXPECT_EQ(rt.extra.at("rt"), 0.0);
  ASSERT_EQ(rt.warnings.size(), 1U);
  EXPECT_NE(rt.warnings[0].find("running in SCHED_OTHER"), std::string::npos) << rt.warnings[0];
  EXPECT_GT(rt.work_units, 0U);
}

TEST_F(WorkTypesRt, PreemptStormHasOneFifoWorkerWakingAtAboutOneKhz) {
  if (!have_rt()) GTEST_SKIP() << "SCHED_FIFO needs CAP_SYS_NICE (run as root)";
  std::map<size_t, std::set<long long>> seen;
  auto reports = run_watching(pinned(make_config("preempt_storm", 3)), kPolicyField, seen);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  EXPECT_EQ(seen[0].count(SCHED_FIFO), 1U);
  EXPECT_EQ(seen[1], std::set<long long>{SCHED_OTHER});
  EXPECT_EQ(seen[2], std::set<long long>{SCHED_OTHER});
  const auto& rt = (*reports)[0];
  // 1 ms sleeps over 0.5 s: a few hundred wakeups, never more than one per
  // ms of the worker's run.
  EXPECT_GT(rt.iterations, 100U);
  EXPECT_LE(rt.iterations, rt.wall_time_ns / 1'000'000 + 1);
  EXPECT_EQ(rt.work_units, rt.iterations * 1024);
  EXPECT_GT((*reports)[1].work_units, 0U);
}

// Waits of high longer than this are inversion stalls (or throttling).
constexpr uint64_t kStallNs = 2'000'000;

size_t stalls(const WorkerReport& r) {
  return static_cast<size_t>(std::count_if(r.wake_latencies_ns.begin(), r.wake_latencies_ns.end(),
                                           [](uint64_t ns) { return ns > kStallNs; }));
}

// Plain mode: medium preempts a lock-holding low, so high waits until
// medium's next rest (up to ~50 ms); PI mode boosts low to 70 and high's
// waits stay short. Every tier on one CPU runs ~100% RT there, so the
// test first lets the kernel's RT throttling budget (950 ms per 1 s) refill:
// a throttled CPU would stall high in both modes alike.
TEST_F(WorkTypesRt, PriorityInversionPlainVersusPi) {
  if (!have_rt()) GTEST_SKIP() << "SCHED_FIFO tiers need CAP_SYS_NICE (run as root)";
  std::map<std::string, size_t> stall_count;
  for (const std::string mode : {"plain", "pi"}) {
    sleep_for_ns(1'000'000'000);
    std::map<size_t, std::set<long long>> seen;
    auto reports = run_watching(pinned(make_config("priority_inversion", 3, {{"mode", mode}})),
                                kRtPrioField, seen, 600'000'000);
    ASSERT_TRUE(reports.has_value()) << reports.error().describe();
    expect_all_completed(*reports);
    EXPECT_EQ(seen[0].count(70), 1U) << mode;
    EXPECT_EQ(seen[1].count(50), 1U) << mode;
    EXPECT_EQ(seen[1].count(70), 0U) << "medium never holds the lock, so is never boosted";
    // Low shows 30, and 70 when seen boosted in PI mode.
    EXPECT_EQ(seen[2].count(30), 1U) << mode;
    const auto& high = (*reports)[0];
    EXPECT_GT(high.wake_sample_total, 100U) << mode;
    EXPECT_EQ(high.wake_sample_total, high.iterations) << mode;
    EXPECT_EQ((*reports)[1].wake_sample_total, 0U) << "only high samples its waits";
    for (const auto& r : *reports) EXPECT_TRUE(r.warnings.empty()) << mode;
    stall_count[mode] = stalls(high);
  }
  EXPECT_GE(stall_count["plain"], 1U) << "plain mode shows inversion stalls";
  EXPECT_LT(stall_count["pi"], stall_count["plain"]);
}

TEST_F(WorkTypesRt, PriorityInversionPiRunsInThreadMode) {
  if (!have_rt()) GTEST_SKIP() << "SCHED_FIFO tiers need CAP_SYS_NICE (run as root)";
  auto reports = run_workload_for(
      pinned(make_config("priority_inversion", 3, {{"mode", "pi"}}, CloneMode::kThread)),
      200'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  EXPECT_GT((*reports)[0].wake_sample_total, 20U);
  EXPECT_GT((*reports)[2].iterations, 0U);
}

TEST_F(WorkTypesRt, AsymmetricWakerCfsPairSamplesEveryWake) {
  auto reports = run_workload_for(make_config("asymmetric_waker", 4), 300'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  for (size_t pair = 0; pair < 2; ++pair) {
    const auto& waker = (*reports)[2 * pair];
    const auto& wakee = (*reports)[2 * pair + 1];
    EXPECT_EQ(waker.wake_sample_total, 0U);
    EXPECT_GT(wakee.wake_sample_total, 0U);
    EXPECT_EQ(wakee.wake_sample_total, wakee.iterations);
    EXPECT_LE(
        std::max(waker.iterations, wakee.iterations) - std::min(waker.iterations, wakee.iterations),
        1U);
  }
}

TEST_F(WorkTypesRt, AsymmetricWakerRunsEachSideInItsClass) {
  if (!have_rt()) GTEST_SKIP() << "rt and deadline classes need CAP_SYS_NICE (run as root)";
  // Deadline needs the whole root domain in its mask, so this pair is not
  // pinned; both sides block every round.
  std::map<size_t, std::set<long long>> seen;
  auto reports = run_watching(
      make_config("asymmetric_waker", 2, {{"waker_class", "rt"}, {"wakee_class", "deadline"}}),
      kPolicyField, seen, 300'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  EXPECT_EQ(seen[0].count(SCHED_FIFO), 1U);
  EXPECT_EQ(seen[1].count(6), 1U) << "SCHED_DEADLINE; " << joined_warnings((*reports)[1]);
  EXPECT_GT((*reports)[1].wake_sample_total, 20U);
  EXPECT_TRUE((*reports)[1].warnings.empty()) << joined_warnings((*reports)[1]);
}

TEST_F(WorkTypesRt, AsymmetricWakerPinnedDeadlineDegradesWithWarning) {
  if (!have_rt()) GTEST_SKIP() << "deadline needs CAP_SYS_NICE (run as root)";
  auto config = make_config("asymmetric_waker", 2, {{"wakee_class", "deadline"}});
  config.affinity.kind = workload::AffinityIntent::Kind::kExact;
  config.affinity.cpus = {0};
  if (last_cpu() == 0) GTEST_SKIP() << "a one-CPU mask is the whole root domain here";
  auto reports = run_workload_for(config, 200'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  const auto& wakee = (*reports)[1];
  ASSERT_EQ(wakee.warnings.size(), 1U);
  EXPECT_NE(wakee.warnings[0].find("deadline"), std::string::npos) << wakee.warnings[0];
  EXPECT_EQ(wakee.extra.at("policy"), static_cast<double>(SCHED_OTHER));
  EXPECT_GT(wakee.wake_sample_total, 10U);
}

TEST_F(WorkTypesRt, RejectsBadParameters) {
  expect_rejected(make_config("rt_starvation", 2, {{"rt_priority", "0"}}), "rt_priority");
  expect_rejected(make_config("rt_starvation", 2, {{"rt_priority", "100"}}), "rt_priority");
  expect_rejected(make_config("rt_starvation", 2, {{"rt_workers", "0"}}), "rt_workers");
  expect_rejected(make_config("rt_starvation", 3), "num_workers");
  expect_rejected(make_config("preempt_storm", 3, {{"rt_sleep_us", "0"}}), "rt_sleep_us");
  expect_rejected(make_config("preempt_storm", 2), "num_workers");
  expect_rejected(make_config("priority_inversion", 3, {{"mode", "rwlock"}}), "mode");
  expect_rejected(make_config("priority_inversion", 3, {{"hold_iters", "0"}}), "hold_iters");
  expect_rejected(make_config("priority_inversion", 3, {{"high", "0"}}), "high");
  expect_rejected(make_config("asymmetric_waker", 2, {{"waker_class", "fifo"}}), "waker_class");
  expect_rejected(make_config("asymmetric_waker", 3), "num_workers");
}

}  // namespace
}  // namespace ktstr::testing
