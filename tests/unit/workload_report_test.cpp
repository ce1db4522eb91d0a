#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "sys/procfs.hpp"
#include "workload/report.hpp"
#include "workload/reservoir.hpp"
#include "workload/summary.hpp"

namespace ktstr::workload {
namespace {

TEST(Reservoir, KeepsEverythingUnderTheCap) {
  Reservoir r(100);
  for (uint64_t i = 0; i < 50; ++i) r.add(i);
  EXPECT_EQ(r.total(), 50u);
  ASSERT_EQ(r.samples().size(), 50u);
  EXPECT_EQ(r.samples()[49], 49u);
}

TEST(Reservoir, CapsAndCountsTheTrueTotal) {
  Reservoir r(1000);
  for (uint64_t i = 0; i < 1'000'000; ++i) r.add(i);
  EXPECT_EQ(r.total(), 1'000'000u);
  EXPECT_EQ(r.samples().size(), 1000u);
}

TEST(Reservoir, SampleIsUniform) {
  // 200k values in 10 equal buckets, cap 10k: each bucket should hold ~1000
  // samples; a chi-square with 9 dof above 27.9 has p < 0.001.
  Reservoir r(10000, 42);
  const uint64_t n = 200000;
  for (uint64_t i = 0; i < n; ++i) r.add(i);
  std::vector<double> buckets(10, 0);
  for (auto v : r.samples()) buckets[v * 10 / n] += 1;
  double chi2 = 0;
  for (double b : buckets) chi2 += (b - 1000) * (b - 1000) / 1000;
  EXPECT_LT(chi2, 27.9);
  // Late values are represented too (the reservoir is not just the prefix).
  EXPECT_GT(buckets[9], 800);
}

WorkerReport sample_report() {
  WorkerReport r;
  r.tid = 1234;
  r.worker_index = 3;
  r.group_idx = 1;
  r.work_type = "futex_ping_pong";
  r.work_units = 99;
  r.iterations = 7;
  r.cpu_time_ns = 10;
  r.wall_time_ns = 30;
  r.off_cpu_ns = 20;
  r.migration_count = 1;
  r.cpus_used = {0, 1};
  r.migrations = {{5, 0, 1}};
  r.max_gap_ms = 1.5;
  r.max_gap_cpu = 1;
  r.max_gap_at_ms = 2.5;
  r.wake_latencies_ns = {100, 200, 300};
  r.wake_sample_total = 3;
  r.iteration_costs_ns = {7};
  r.iteration_cost_sample_total = 1;
  r.completed = true;
  r.numa_pages = {{0, 12}};
  r.affinity_error = "nope";
  r.extra = {{"rps", 1.5}};
  return r;
}

TEST(Report, CborRoundTrip) {
  auto bytes = encode_reports(
      {sample_report(), make_sentinel(4, 2, 99, "spin_wait", {ExitInfo::Kind::kSignaled, 9, ""})});
  auto back = decode_reports(bytes.data(), bytes.size());
  ASSERT_TRUE(back) << back.error().describe();
  ASSERT_EQ(back->size(), 2u);
  nlohmann::json a = sample_report();
  nlohmann::json b = (*back)[0];
  EXPECT_EQ(a, b);
  const auto& s = (*back)[1];
  EXPECT_FALSE(s.completed);
  EXPECT_EQ(s.group_idx, 2u);
  ASSERT_TRUE(s.exit_info);
  EXPECT_EQ(s.exit_info->kind, ExitInfo::Kind::kSignaled);
  EXPECT_EQ(s.exit_info->code, 9);
  EXPECT_EQ(to_string(*s.exit_info), "killed by signal 9");
}

TEST(Report, GarbageIsAnError) {
  std::vector<uint8_t> junk = {0xff, 0x00, 0x13};
  EXPECT_FALSE(decode_reports(junk.data(), junk.size()));
}

TEST(Report, JsonUsesSpecFieldNames) {
  nlohmann::json j = sample_report();
  for (const char* key : {"tid",
                          "work_units",
                          "cpu_time_ns",
                          "wall_time_ns",
                          "off_cpu_ns",
                          "migration_count",
                          "cpus_used",
                          "migrations",
                          "max_gap_ms",
                          "max_gap_cpu",
                          "max_gap_at_ms",
                          "wake_latencies_ns",
                          "wake_sample_total",
                          "iteration_costs_ns",
                          "iteration_cost_sample_total",
                          "iterations",
                          "completed",
                          "numa_pages",
                          "vmstat_numa_pages_migrated",
                          "exit_info",
                          "is_messenger",
                          "group_idx",
                          "affinity_error"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}

TEST(Summary, PoolsWakeSamplesNearestRank) {
  auto a = sample_report();
  auto b = sample_report();
  b.wake_latencies_ns = {400};
  b.wake_sample_total = 1;
  b.completed = false;
  auto s = summarize({a, b});
  EXPECT_EQ(s.workers, 2u);
  EXPECT_EQ(s.completed, 1u);
  EXPECT_EQ(s.wake_samples, 4u);
  EXPECT_EQ(s.wake_p50_ns, 200u);
  EXPECT_EQ(s.wake_p99_ns, 400u);
  EXPECT_EQ(s.wake_max_ns, 400u);
  EXPECT_DOUBLE_EQ(s.max_gap_ms, 1.5);
}

TEST(Procfs, Parsers) {
  auto s = sys::parse_schedstat("123 456 7\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->cpu_time_ns, 123u);
  EXPECT_EQ(s->run_delay_ns, 456u);
  EXPECT_EQ(s->run_count, 7u);
  EXPECT_FALSE(sys::parse_schedstat("x"));
  auto pages = sys::parse_numa_maps_pages(
      "7f00 default anon=3 dirty=3 N0=2 N1=1 kernelpagesize_kB=4\n"
      "7f10 bind:0 file=/x mapped=5 N0=5 kernelpagesize_kB=4\n");
  EXPECT_EQ(pages, (std::map<int, uint64_t>{{0, 7}, {1, 1}}));
  EXPECT_EQ(
      sys::parse_vmstat_counter("numa_hit 5\nnuma_pages_migrated 12\n", "numa_pages_migrated"),
      12u);
  EXPECT_FALSE(sys::parse_vmstat_counter("numa_pages_migrated_x 1\n", "numa_pages_migrated"));
}

}  // namespace
}  // namespace ktstr::workload
