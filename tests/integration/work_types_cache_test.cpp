// cache_pressure, cache_yield, cache_pipe: accesses equal work units, yield
// and exchange samples, pairing and parameter rejections.
#include <gtest/gtest.h>

#include "integration/work_types_probe.hpp"
#include "integration/workload_harness.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;

constexpr uint64_t kRunNs = 300'000'000;

// Not run beside the RT tests, whose FIFO spinners would starve a worker
// on their CPU.
class WorkTypesCache : public ::testing::Test {
 private:
  ExclusiveTestMutex exclusive_;
};

TEST_F(WorkTypesCache, CachePressureCountsOneUnitPerAccess) {
  auto reports = run_workload_for(make_config("cache_pressure", 2, {{"size_kib", "64"}}), kRunNs);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  ASSERT_EQ(reports->size(), 2U);
  expect_all_completed(*reports);
  for (const auto& r : *reports) {
    EXPECT_GT(r.iterations, 0U);
    EXPECT_EQ(r.work_units, r.iterations * 1024) << "1024 accesses per iteration";
    EXPECT_EQ(r.wake_sample_total, 0U);
  }
}

TEST_F(WorkTypesCache, CacheYieldSamplesEveryYieldInThreadMode) {
  auto reports = run_workload_for(
      make_config("cache_yield", 2, {{"stride", "128"}}, CloneMode::kThread), kRunNs);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  for (const auto& r : *reports) {
    EXPECT_GT(r.iterations, 0U);
    EXPECT_EQ(r.work_units, r.iterations * 1024);
    EXPECT_EQ(r.wake_sample_total, r.iterations) << "one yield sample per iteration";
  }
}

TEST_F(WorkTypesCache, CachePipePairsExchangeInLockstep) {
  auto reports = run_workload_for(make_config("cache_pipe", 4, {{"burst_iters", "512"}}), kRunNs);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  ASSERT_EQ(reports->size(), 4U);
  expect_all_completed(*reports);
  for (size_t pair = 0; pair < 2; ++pair) {
    const auto& a = (*reports)[2 * pair];
    const auto& b = (*reports)[2 * pair + 1];
    EXPECT_GT(a.iterations, 0U);
    // The burst before an exchange cut short by the stop is counted too.
    EXPECT_TRUE(a.work_units == a.iterations * 512 || a.work_units == (a.iterations + 1) * 512)
        << a.work_units << " units for " << a.iterations << " iterations";
    EXPECT_EQ(a.wake_sample_total, a.iterations) << "one exchange sample per iteration";
    // A rendezvous: neither side can finish more than one exchange ahead.
    EXPECT_LE(
        a.iterations > b.iterations ? a.iterations - b.iterations : b.iterations - a.iterations,
        1U);
  }
}

TEST_F(WorkTypesCache, RejectsBadParameters) {
  expect_rejected(make_config("cache_pressure", 1, {{"size_kib", "0"}}), "size_kib");
  expect_rejected(make_config("cache_yield", 1, {{"stride", "0"}}), "stride");
  expect_rejected(make_config("cache_pressure", 1, {{"size_kib", "1"}, {"stride", "4096"}}),
                  "stride");
  expect_rejected(make_config("cache_pipe", 1), "num_workers");
  expect_rejected(make_config("cache_pipe", 2, {{"burst_iters", "0"}}), "burst_iters");
  expect_rejected(make_config("cache_pipe", 2, {{"stride", "64"}}), "stride");
}

}  // namespace
}  // namespace ktstr::testing
