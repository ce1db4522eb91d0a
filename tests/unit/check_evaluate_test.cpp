#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "check/evaluate.hpp"

namespace ktstr::check {
namespace {

using workload::WorkerReport;

WorkerReport worker(size_t idx, pid_t tid) {
  WorkerReport r;
  r.worker_index = idx;
  r.tid = tid;
  r.completed = true;
  r.wall_time_ns = 1'000'000'000;
  r.cpu_time_ns = 900'000'000;
  r.off_cpu_ns = 100'000'000;
  r.iterations = 100;
  r.work_units = 102400;
  r.max_gap_ms = 5;
  r.max_gap_cpu = 0;
  r.cpus_used = {0};
  return r;
}

Threshold limit(const char* name, double value) {
  ThresholdLayer l;
  EXPECT_TRUE(l.set_limit(name, value));
  return merge_thresholds(nullptr, &l).get(name);
}

Threshold on(const char* name) {
  ThresholdLayer l;
  EXPECT_TRUE(l.set_enabled(name, true));
  return merge_thresholds(nullptr, &l).get(name);
}

TEST(CheckEvaluate, MaxGapNamesTheWorstWorkerWithEvidence) {
  CgroupInput cg{"cg_0", {worker(0, 800), worker(1, 801), worker(2, 802), worker(3, 812)}, {}, {}};
  cg.reports[3].max_gap_ms = 3500;
  cg.reports[3].max_gap_cpu = 1;
  cg.reports[3].max_gap_at_ms = 1200;
  cg.reports[1].max_gap_ms = 2100;
  auto r = check_max_gap(limit("max_gap_ms", 2000), {cg});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_DOUBLE_EQ(*r.value, 3500);
  EXPECT_DOUBLE_EQ(*r.threshold, 2000);
  EXPECT_EQ(r.source, ThresholdSource::kTest);
  EXPECT_EQ(r.cgroup, "cg_0");
  EXPECT_EQ(r.detail,
            "cgroup cg_0: worker 3 (tid 812) max gap 3500ms on cpu1 at +1200ms > 2000ms "
            "(2 of 4 workers over)");
  cg.reports[3].max_gap_ms = cg.reports[1].max_gap_ms = 10;
  EXPECT_EQ(check_max_gap(limit("max_gap_ms", 2000), {cg}).verdict, Verdict::kPass);
}

TEST(CheckEvaluate, StarvationCatchesSentinelsAndZeroWork) {
  CgroupInput cg{"cg", {worker(0, 10), worker(1, 11)}, {}, {}};
  WorkerReport dead;
  dead.worker_index = 2;
  dead.tid = 12;
  dead.work_type = "spin_wait";
  dead.exit_info = workload::ExitInfo{workload::ExitInfo::Kind::kSignaled, 9, ""};
  cg.reports.push_back(dead);
  Thresholds t;
  auto r = check_not_starved(t.get("not_starved"), {cg});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_DOUBLE_EQ(*r.value, 1);
  EXPECT_EQ(r.detail,
            "cgroup cg: worker 2 (tid 12) (spin_wait) did 0 work units: killed by signal 9");
  EXPECT_EQ(check_not_starved(t.get("not_starved"), {}).verdict, Verdict::kInconclusive);
}

TEST(CheckEvaluate, IsolationComparesCpusUsedWithTheCpuset) {
  CgroupInput inside{"a", {worker(0, 20)}, CpuSet{0, 1}, {}};
  CgroupInput leak{"b", {worker(0, 21), worker(1, 22)}, CpuSet{2, 3}, {}};
  leak.reports[0].cpus_used = {2, 3};
  leak.reports[1].cpus_used = {1, 3};
  auto r = check_isolation(on("isolation"), {inside, leak});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.detail, "cgroup b: worker 1 (tid 22) ran on cpu 1 outside its cpuset 2-3");
  EXPECT_EQ(check_isolation(on("isolation"), {inside}).verdict, Verdict::kPass);
  CgroupInput no_cpuset{"c", {worker(0, 23)}, std::nullopt, {}};
  EXPECT_EQ(check_isolation(on("isolation"), {no_cpuset}).verdict, Verdict::kSkip);
}

TEST(CheckEvaluate, CgroupMetricsFailOnTheWorstCgroupAndAreInconclusiveWithoutData) {
  CgroupStats a, b;
  a.name = "a";
  a.completed = 2;
  a.spread_pct = 4;
  b.name = "b";
  b.completed = 2;
  b.spread_pct = 42;
  auto r = check_cgroup_metric(limit("max_spread_pct", 15), {a, b});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.cgroup, "b");
  EXPECT_DOUBLE_EQ(*r.value, 42);
  EXPECT_EQ(r.detail, "cgroup b: off-CPU spread 42% > 15%");

  auto p99 = check_cgroup_metric(limit("max_p99_wake_latency_ns", 1000), {a, b});
  EXPECT_EQ(p99.verdict, Verdict::kInconclusive);
  b.wake_samples = 10;
  b.wake_p99_ns = 500;
  EXPECT_EQ(check_cgroup_metric(limit("max_p99_wake_latency_ns", 1000), {a, b}).verdict,
            Verdict::kPass);
  a.page_locality = 0.4;
  auto loc = check_cgroup_metric(limit("min_page_locality", 0.9), {a, b});
  EXPECT_EQ(loc.verdict, Verdict::kFail);
  EXPECT_EQ(loc.cgroup, "a");
}

TEST(CheckEvaluate, RateFloors) {
  CgroupInput cg{"cg", {worker(0, 1), worker(1, 2)}, {}, {}};
  cg.reports[1].iterations = 10;  // 10/s
  auto r = check_min_iteration_rate(limit("min_iteration_rate", 50), {cg});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_DOUBLE_EQ(*r.value, 10);
  EXPECT_NE(r.detail.find("worker 1 (tid 2)"), std::string::npos) << r.detail;
  EXPECT_EQ(check_min_work_rate(limit("min_work_rate", 1000), {cg}).verdict, Verdict::kPass);
}

TEST(CheckEvaluate, SchedulerHealthHooks) {
  Thresholds t;
  auto host = sched::SchedulerHealth::host_default();
  EXPECT_EQ(check_scheduler_alive(t.get("scheduler_alive"), host).verdict, Verdict::kPass);
  EXPECT_EQ(check_scheduler_clean_exit(t.get("scheduler_clean_exit"), host).verdict,
            Verdict::kSkip);
  sched::SchedulerHealth scx;
  scx.name = "scx_simple";
  scx.sched_ext = true;
  scx.attached = false;
  scx.error_exit = true;
  scx.exit_reason = "runnable task stall";
  auto alive = check_scheduler_alive(t.get("scheduler_alive"), scx);
  EXPECT_EQ(alive.verdict, Verdict::kFail);
  EXPECT_NE(alive.detail.find("no longer attached"), std::string::npos);
  EXPECT_EQ(check_scheduler_clean_exit(t.get("scheduler_clean_exit"), scx).verdict, Verdict::kFail);
}

TEST(CheckEvaluate, EvaluateRunsOnlyEnabledChecksAndFoldsVerdicts) {
  CgroupInput cg{"cg", {worker(0, 1), worker(1, 2)}, CpuSet{0}, {}};
  std::vector<CgroupInput> in{cg};
  std::vector<CgroupStats> stats{compute_cgroup_stats(cg, {})};
  auto results = evaluate_checks(Thresholds(), in, stats, sched::SchedulerHealth::host_default());
  std::vector<std::string> names;
  for (const auto& r : results) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"not_starved", "max_gap_ms", "max_spread_pct",
                                             "scheduler_alive", "scheduler_clean_exit",
                                             "max_stranded_ms"}));
  EXPECT_EQ(results.back().verdict, Verdict::kSkip);  // no monitor samples given
  EXPECT_EQ(fold_verdict(results), Verdict::kPass);
  results[1].verdict = Verdict::kInconclusive;
  EXPECT_EQ(fold_verdict(results), Verdict::kInconclusive);
  results[0].verdict = Verdict::kFail;
  EXPECT_EQ(fold_verdict(results), Verdict::kFail);

  nlohmann::json j = results[1];
  EXPECT_EQ(j["verdict"], "inconclusive");
  EXPECT_EQ(j["source"], "default");
  auto back = j.get<CheckResult>();
  EXPECT_EQ(back.verdict, Verdict::kInconclusive);
  EXPECT_EQ(back.threshold, results[1].threshold);
  nlohmann::json toggle = results[0];
  EXPECT_TRUE(toggle["threshold"].is_null());
}

}  // namespace
}  // namespace ktstr::check
