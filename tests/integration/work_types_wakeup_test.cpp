// Waker-stamped wakeup latency: a pinned pair lands in the placement its
// CPUs imply (every wakeup attributed), the same-CPU handoff is the cheaper
// one, and pipe_io's blocked sample really blocks (it measured a poll+read
// on a byte already in the pipe before it became a strict ping-pong).
#include <gtest/gtest.h>

#include <unistd.h>

#include "work_types_sync_helpers.hpp"
#include "workload/summary.hpp"

namespace ktstr::testing {
namespace {

using workload::Placement;
using workload::WakeupBreakdown;
using workload::WorkerReport;

// A pair of `type` with worker 0 on cpu_a and worker 1 on cpu_b for `ms`.
std::vector<WorkerReport> pinned_pair(const std::string& type,
                                      std::map<std::string, std::string> params, int cpu_a,
                                      int cpu_b, uint64_t ms) {
  auto h = workload::WorkloadHandle::spawn(make_config(type, 2, std::move(params)));
  EXPECT_TRUE(h.has_value()) << (h ? "" : h.error().describe());
  if (!h) return {};
  EXPECT_TRUE(h->set_affinity(0, {cpu_a}).has_value());
  EXPECT_TRUE(h->set_affinity(1, {cpu_b}).has_value());
  h->start();
  timespec ts = ns_to_timespec(ms * 1'000'000);
  while (nanosleep(&ts, &ts) != 0) {
  }
  auto reports = h->stop_and_collect();
  for (const auto& r : reports) EXPECT_TRUE(r.completed) << r.worker_index;
  return reports;
}

const workload::WakeupStats& bucket(const WakeupBreakdown& b, Placement p) {
  return b.by_placement[static_cast<size_t>(p)];
}

void expect_ordered(const workload::WakeupStats& s) {
  EXPECT_GT(s.p50_ns, 0u);
  EXPECT_LE(s.p50_ns, s.p90_ns);
  EXPECT_LE(s.p90_ns, s.p99_ns);
}

class PinnedWakeups : public ::testing::TestWithParam<const char*> {};

TEST_P(PinnedWakeups, PinnedPairsLandInTheirBucketAndSameCpuIsCheaper) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
  const std::string type = GetParam();
  const std::map<std::string, std::string> params =
      type == "pipe_io" ? std::map<std::string, std::string>{{"burst_iters", "1"}}
                        : std::map<std::string, std::string>{{"spin_iters", "0"}};
  const auto same = workload::wakeup_breakdown(pinned_pair(type, params, 0, 0, 300));
  const auto cross = workload::wakeup_breakdown(pinned_pair(type, params, 0, 1, 300));

  // Counts > 0, not more: on a busy host a cross-CPU wakee can wait
  // milliseconds for its CPU, leaving few round trips in 300 ms.
  ASSERT_GT(same.all.count, 0u);
  EXPECT_EQ(bucket(same, Placement::kSameCpu).count, same.all.count);
  expect_ordered(bucket(same, Placement::kSameCpu));

  ASSERT_GT(cross.all.count, 0u);
  EXPECT_EQ(bucket(cross, Placement::kSameCpu).count, 0u);
  EXPECT_EQ(bucket(cross, Placement::kUnknown).count, 0u);
  uint64_t attributed = 0;
  for (const auto& s : cross.by_placement) attributed += s.count;
  EXPECT_EQ(attributed, cross.all.count) << "every wakeup has exactly one placement";
  expect_ordered(cross.all);
  // The floor's ordering: waking a task on the same CPU is a context switch,
  // across CPUs it adds the remote wakeup (IPI, idle exit).
  EXPECT_LT(same.all.p50_ns, cross.all.p50_ns);
}

INSTANTIATE_TEST_SUITE_P(Types, PinnedWakeups, ::testing::Values("futex_ping_pong", "pipe_io"));

// Strict ping-pong: a worker is blocked while its partner spins, so its
// blocked samples add up to a large share of its wall time (about half:
// the partner's spin plus the handoffs). The old symmetric exchange on two
// CPUs found the partner's byte already there: ~1.5 us per iteration.
// Sums, not medians: on a busy host rare multi-ms handoffs inflate the
// mean round but not a median.
TEST(PipeIoWake, BlockedSampleSpansThePartnersWork) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
  const auto reports = pinned_pair("pipe_io", {{"burst_iters", "5000"}}, 0, 1, 500);
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& r : reports) {
    // A busy host can stretch each cross-CPU handoff to milliseconds.
    ASSERT_GE(r.iterations, 5u) << r.worker_index;
    ASSERT_EQ(r.wake_latencies_ns.size(), r.wake_sample_total) << "reservoir not full";
    double blocked = 0;
    for (uint64_t ns : r.wake_latencies_ns) blocked += static_cast<double>(ns);
    EXPECT_GT(blocked, 0.3 * static_cast<double>(r.wall_time_ns))
        << "worker " << r.worker_index << " did not block for its partner's spin";
    EXPECT_EQ(r.wakeup_sample_total, r.wake_sample_total) << "one wakeup per receive";
  }
  EXPECT_LE(std::llabs(static_cast<long long>(reports[0].iterations) -
                       static_cast<long long>(reports[1].iterations)),
            1);
}

}  // namespace
}  // namespace ktstr::testing
