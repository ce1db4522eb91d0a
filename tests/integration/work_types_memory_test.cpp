// page_fault_churn, numa_working_set_sweep, numa_migration_churn: minor
// faults rise (seen from /proc and in the worker's own delta); the NUMA
// types move pages or the worker across nodes where there are >= 2, and on
// a single-node machine (CI) take their documented degraded path.
#include <gtest/gtest.h>

#include <set>

#include "integration/work_types_probe.hpp"
#include "integration/workload_harness.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;

constexpr int kMinfltField = 10;  // /proc/<pid>/stat: minflt

// page_fault_churn slows every cgroup migration on the machine 40-fold.
class WorkTypesMemory : public ::testing::Test {
 private:
  ExclusiveTestMutex exclusive_;
};

size_t online_node_count() {
  auto text = read_file("/sys/devices/system/node/online");
  if (!text) return 1;
  auto nodes = parse_cpu_list(*text);
  return nodes && !nodes->empty() ? nodes->size() : 1;
}

TEST_F(WorkTypesMemory, PageFaultChurnRaisesMinorFaults) {
  long long first = -1, last = -1;
  auto reports = run_and_probe(make_config("page_fault_churn", 1), 400'000'000, 5'000'000,
                               [&](const std::vector<pid_t>& pids) {
                                 auto v = proc_stat_field(pids[0], kMinfltField);
                                 if (!v) return;
                                 if (first < 0) first = *v;
                                 last = *v;
                               });
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  const auto& r = (*reports)[0];
  EXPECT_GT(r.iterations, 0U);
  EXPECT_EQ(r.work_units, r.iterations * (256 + 64));
  // 256 random touches over 1024 pages hit ~226 distinct pages, each a
  // fresh fault after the previous MADV_DONTNEED.
  const double faults = r.extra.at("minor_faults");
  EXPECT_GE(faults, 150.0 * static_cast<double>(r.iterations));
  EXPECT_LE(faults, 300.0 * static_cast<double>(r.iterations) + 1000);
  ASSERT_GE(first, 0);
  EXPECT_GT(last - first, 1000) << "minflt in /proc/<pid>/stat must rise while it runs";
}

TEST_F(WorkTypesMemory, PageFaultChurnCountsPerThreadInThreadMode) {
  auto reports =
      run_workload_for(make_config("page_fault_churn", 2,
                                   {{"region_kib", "256"}, {"touches", "32"}}, CloneMode::kThread),
                       200'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  for (const auto& r : *reports) {
    EXPECT_GT(r.iterations, 0U);
    // 32 touches over 64 pages: ~25 distinct pages per iteration.
    EXPECT_GE(r.extra.at("minor_faults"), 15.0 * static_cast<double>(r.iterations));
    EXPECT_LE(r.extra.at("minor_faults"), 40.0 * static_cast<double>(r.iterations) + 1000);
  }
}

TEST_F(WorkTypesMemory, NumaWorkingSetSweepTouchesEveryPageEachPeriod) {
  auto reports = run_workload_for(
      make_config("numa_working_set_sweep", 1, {{"period_ms", "20"}, {"region_kib", "1024"}}),
      300'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  const auto& r = (*reports)[0];
  EXPECT_GE(r.iterations, 3U);
  EXPECT_LE(r.iterations, r.wall_time_ns / 20'000'000 + 1) << "one iteration per 20 ms period";
  // 256 pages of 4 KiB per iteration, plus the touch before the sleep the
  // stop cut short.
  EXPECT_TRUE(r.work_units == (r.iterations + 1) * 256 || r.work_units == r.iterations * 256)
      << r.work_units << " units, " << r.iterations << " iterations";
  EXPECT_EQ(r.wake_sample_total, r.iterations);
  for (uint64_t ns : r.wake_latencies_ns) EXPECT_GE(ns, 20'000'000U);
  if (online_node_count() < 2) {
    ASSERT_EQ(r.warnings.size(), 1U);
    EXPECT_NE(r.warnings[0].find("needs >= 2 NUMA nodes"), std::string::npos) << r.warnings[0];
    EXPECT_EQ(r.extra.at("mbind_moves"), 0.0);
  } else {
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_GE(r.extra.at("mbind_moves"), static_cast<double>(r.iterations));
    EXPECT_GE(r.numa_pages.size(), 1U);
  }
}

TEST_F(WorkTypesMemory, NumaWorkingSetSweepWarnsOnceForAMissingTargetNode) {
  if (online_node_count() >= 2) GTEST_SKIP() << "node 1 exists here";
  auto reports = run_workload_for(
      make_config("numa_working_set_sweep", 1, {{"period_ms", "10"}, {"target_nodes", "1,0"}}),
      150'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  const auto& r = (*reports)[0];
  EXPECT_TRUE(r.completed);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("mbind to node 1 failed"), std::string::npos) << r.warnings[0];
  EXPECT_GE(r.extra.at("mbind_moves"), 1.0) << "node 0 binds still succeed";
}

TEST_F(WorkTypesMemory, NumaMigrationChurnMovesAcrossNodesOrDegrades) {
  auto reports =
      run_workload_for(make_config("numa_migration_churn", 1, {{"period_ms", "10"}}), 200'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  const auto& r = (*reports)[0];
  EXPECT_GE(r.iterations, 3U);
  EXPECT_LE(r.iterations, r.wall_time_ns / 10'000'000 + 1) << "one iteration per 10 ms period";
  EXPECT_EQ(r.work_units, r.iterations * 1024);
  if (online_node_count() < 2) {
    ASSERT_EQ(r.warnings.size(), 1U);
    EXPECT_NE(r.warnings[0].find("needs >= 2 NUMA nodes"), std::string::npos) << r.warnings[0];
    EXPECT_EQ(r.extra.at("node_switches"), 0.0);
  } else {
    EXPECT_GE(r.extra.at("node_switches"), static_cast<double>(r.iterations));
    EXPECT_GE(r.cpus_used.size(), 2U);
  }
}

TEST_F(WorkTypesMemory, RejectsBadParameters) {
  expect_rejected(make_config("page_fault_churn", 1, {{"region_kib", "0"}}), "region_kib");
  expect_rejected(make_config("page_fault_churn", 1, {{"touches", "0"}}), "touches");
  expect_rejected(make_config("page_fault_churn", 1, {{"spin_iters", "0"}}), "spin_iters");
  expect_rejected(make_config("numa_working_set_sweep", 1, {{"period_ms", "0"}}), "period_ms");
  expect_rejected(make_config("numa_working_set_sweep", 1, {{"target_nodes", "0,x"}}),
                  "target_nodes");
  expect_rejected(make_config("numa_working_set_sweep", 1, {{"target_nodes", "-1"}}),
                  "target_nodes");
  expect_rejected(make_config("numa_migration_churn", 1, {{"period_ms", "-5"}}), "period_ms");
}

}  // namespace
}  // namespace ktstr::testing
