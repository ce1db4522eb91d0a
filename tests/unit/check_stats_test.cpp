#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "check/stats.hpp"
#include "util/stats.hpp"

namespace ktstr::check {
namespace {

using workload::WorkerReport;

WorkerReport worker(size_t idx, uint64_t wall_ms, uint64_t cpu_ms, uint64_t iters = 1000) {
  WorkerReport r;
  r.worker_index = idx;
  r.tid = static_cast<pid_t>(100 + idx);
  r.completed = true;
  r.wall_time_ns = wall_ms * 1'000'000;
  r.cpu_time_ns = cpu_ms * 1'000'000;
  r.off_cpu_ns = r.wall_time_ns - r.cpu_time_ns;
  r.iterations = iters;
  r.work_units = iters * 1024;
  return r;
}

TEST(CheckStats, NearestRankPercentiles) {
  std::vector<uint64_t> v;
  for (uint64_t i = 1; i <= 1000; ++i) v.push_back(i);
  EXPECT_EQ(percentile(v, 50), 500u);
  EXPECT_EQ(percentile(v, 99), 990u);
  EXPECT_EQ(percentile(v, 99.9), 999u);
  EXPECT_EQ(percentile({7}, 99), 7u);
  EXPECT_EQ(percentile({}, 99), 0u);
  std::vector<uint64_t> hundred;
  for (uint64_t i = 1; i <= 100; ++i) hundred.push_back(i * 10);
  EXPECT_EQ(percentile(hundred, 99), 990u);
}

TEST(CheckStats, OffCpuSpreadIsTakenWithinEachWorkGroup) {
  CgroupInput in;
  in.name = "cg_0";
  in.reports = {worker(0, 1000, 900), worker(1, 1000, 700), worker(2, 1000, 100)};
  in.work_group = {0, 0, 1};
  auto s = compute_cgroup_stats(in, {});
  EXPECT_NEAR(s.off_cpu_pct_min, 10, 1e-9);
  EXPECT_NEAR(s.off_cpu_pct_max, 90, 1e-9);
  EXPECT_NEAR(s.off_cpu_pct_avg, 130.0 / 3, 1e-9);
  EXPECT_NEAR(s.spread_pct, 20, 1e-9);  // group 0: 30% - 10%; group 1 alone: 0
  in.work_group.clear();
  EXPECT_NEAR(compute_cgroup_stats(in, {}).spread_pct, 80, 1e-9);
}

TEST(CheckStats, WakeLatencyIsPooledAcrossWorkers) {
  CgroupInput in;
  in.name = "cg";
  auto a = worker(0, 1000, 500), b = worker(1, 1000, 500);
  for (uint64_t i = 1; i <= 50; ++i) a.wake_latencies_ns.push_back(i);
  for (uint64_t i = 51; i <= 100; ++i) b.wake_latencies_ns.push_back(i);
  a.wake_sample_total = 70;
  b.wake_sample_total = 50;
  in.reports = {a, b};
  auto s = compute_cgroup_stats(in, {});
  EXPECT_EQ(s.wake_samples, 100u);
  EXPECT_EQ(s.wake_sample_total, 120u);
  EXPECT_EQ(s.wake_p50_ns, 50u);
  EXPECT_EQ(s.wake_p99_ns, 99u);
  EXPECT_EQ(s.wake_p999_ns, 100u);
  // Population CV of 1..100: sd = sqrt((100^2 - 1) / 12) = 28.866, mean 50.5.
  EXPECT_NEAR(s.wake_cv, 28.8660700477 / 50.5, 1e-6);
}

TEST(CheckStats, RatesGapsMigrationsAndRunDelay) {
  CgroupInput in;
  in.name = "cg";
  auto a = worker(0, 2000, 1000, 400);  // 400 iters / 2 s = 200/s; 409600 units / 1 cpu-s
  auto b = worker(1, 2000, 500, 100);   // 50/s; 102400 units / 0.5 cpu-s = 204800
  a.max_gap_ms = 12;
  b.max_gap_ms = 30;
  b.max_gap_cpu = 1;
  b.max_gap_at_ms = 700;
  a.migration_count = 5;
  b.migration_count = 15;
  a.schedstat_available = b.schedstat_available = true;
  a.schedstat_run_delay_ns = 4'000'000;
  b.schedstat_run_delay_ns = 10'000'000;
  in.reports = {a, b};
  auto s = compute_cgroup_stats(in, {});
  EXPECT_DOUBLE_EQ(s.max_gap_ms, 30);
  EXPECT_EQ(s.max_gap_cpu, 1);
  EXPECT_EQ(s.max_gap_worker, 1);
  EXPECT_EQ(s.max_gap_tid, 101);
  EXPECT_EQ(s.migrations, 20u);
  EXPECT_EQ(s.iterations, 500u);
  EXPECT_DOUBLE_EQ(s.migration_ratio, 0.04);
  EXPECT_DOUBLE_EQ(s.min_iteration_rate, 50);
  EXPECT_DOUBLE_EQ(s.min_work_rate, 204800);
  // rates 409600 and 204800: mean 307200, sd 102400 -> CV 1/3.
  EXPECT_NEAR(s.throughput_cv, 1.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(s.run_delay_mean_ms, 7);
  EXPECT_DOUBLE_EQ(s.run_delay_worst_ms, 10);
  EXPECT_EQ(s.run_delay_worst_worker, 1);
}

TEST(CheckStats, SentinelsCountAsWorkersButNotInRates) {
  CgroupInput in;
  in.name = "cg";
  WorkerReport dead;
  dead.worker_index = 1;
  in.reports = {worker(0, 1000, 600), dead};
  auto s = compute_cgroup_stats(in, {});
  EXPECT_EQ(s.workers, 2u);
  EXPECT_EQ(s.completed, 1u);
  EXPECT_NEAR(s.off_cpu_pct_min, 40, 1e-9);
  EXPECT_NEAR(s.spread_pct, 0, 1e-9);
}

TEST(CheckStats, NumaLocalityUsesTheNodesOfTheCpusUsed) {
  NumaContext numa;
  numa.cpu_node = {{0, 0}, {1, 0}, {2, 1}, {3, 1}};
  numa.cpuless_nodes = {2};
  CgroupInput in;
  in.name = "cg";
  auto a = worker(0, 1000, 1000);
  a.cpus_used = {0, 1};
  a.numa_pages = {{0, 60}, {1, 20}, {2, 20}};
  a.vmstat_numa_pages_migrated = 10;
  in.reports = {a};
  auto s = compute_cgroup_stats(in, numa);
  ASSERT_TRUE(s.page_locality);
  EXPECT_DOUBLE_EQ(*s.page_locality, 0.6);
  EXPECT_DOUBLE_EQ(*s.slow_tier_ratio, 0.2);
  EXPECT_DOUBLE_EQ(*s.cross_node_migration_ratio, 0.1);
  in.reports[0].numa_pages.clear();
  EXPECT_FALSE(compute_cgroup_stats(in, numa).page_locality);
}

TEST(CheckStats, ScenarioFoldTakesTheWorstCgroupAndJsonRoundTrips) {
  CgroupStats a, b;
  a.name = "a";
  a.workers = a.completed = 2;
  a.spread_pct = 5;
  a.max_gap_ms = 40;
  a.wake_p99_ns = 900;
  a.off_cpu_pct_min = 3;
  b.name = "b";
  b.workers = b.completed = 3;
  b.spread_pct = 25;
  b.max_gap_ms = 10;
  b.wake_p99_ns = 100;
  b.off_cpu_pct_min = 1;
  b.page_locality = 0.5;
  auto f = fold_scenario_stats({a, b});
  EXPECT_EQ(f.workers, 5u);
  EXPECT_DOUBLE_EQ(f.max_spread_pct, 25);
  EXPECT_EQ(f.max_spread_cgroup, "b");
  EXPECT_DOUBLE_EQ(f.max_gap_ms, 40);
  EXPECT_EQ(f.max_gap_cgroup, "a");
  EXPECT_EQ(f.worst_wake_p99_ns, 900u);
  EXPECT_EQ(f.worst_wake_p99_cgroup, "a");
  EXPECT_DOUBLE_EQ(f.off_cpu_pct_min, 1);
  EXPECT_DOUBLE_EQ(*f.min_page_locality, 0.5);

  nlohmann::json j = b;
  EXPECT_DOUBLE_EQ(j["page_locality"].get<double>(), 0.5);
  EXPECT_TRUE(j["cpuset"].is_null());
  auto back = j.get<CgroupStats>();
  EXPECT_EQ(back.name, "b");
  EXPECT_DOUBLE_EQ(*back.page_locality, 0.5);
  EXPECT_FALSE(back.cpuset);
  nlohmann::json jf = f;
  EXPECT_EQ(jf.get<ScenarioStats>().max_gap_cgroup, "a");
}

}  // namespace
}  // namespace ktstr::check
