// Walks the check table: every entry is complete, names are unique, the
// thresholds follow the table, and evaluate_checks reaches every entry.
#include <gtest/gtest.h>

#include <set>

#include "check/evaluate.hpp"
#include "check/stats.hpp"

namespace ktstr::check {
namespace {

using workload::WorkerReport;

TEST(CheckTable, EveryEntryIsComplete) {
  std::set<std::string> names;
  for (const auto& d : check_catalogue()) {
    SCOPED_TRACE(d.name);
    EXPECT_TRUE(names.insert(d.name).second) << "duplicate name";
    EXPECT_NE(d.evaluate, nullptr);
    EXPECT_FALSE(d.definition.empty());
    EXPECT_FALSE(d.evidence.empty());
    // Limits carry a unit; toggles have none.
    EXPECT_EQ(d.unit.empty(), d.kind == CheckKind::kToggle);
    if (d.default_enabled && d.kind != CheckKind::kToggle) {
      EXPECT_GT(d.default_limit, 0);
    }
    if (d.cgroup_value != nullptr) {
      EXPECT_NE(d.kind, CheckKind::kToggle);
    }
    EXPECT_EQ(find_check(d.name), &d);
  }
  EXPECT_EQ(names.size(), 17u);  // + max_wakeup_p99_us, max_stranded_ms
  EXPECT_EQ(find_check("no_such_check"), nullptr);
}

TEST(CheckTable, TimingSensitiveChecks) {
  std::set<std::string> timing;
  for (const auto& d : check_catalogue()) {
    if (d.timing_sensitive) timing.insert(d.name);
  }
  EXPECT_EQ(timing,
            (std::set<std::string>{"max_gap_ms", "max_spread_pct", "max_throughput_cv",
                                   "min_work_rate", "max_p99_wake_latency_ns", "max_wakeup_p99_us",
                                   "max_wake_latency_cv", "min_iteration_rate",
                                   "max_migration_ratio", "max_cross_node_migration_ratio"}));
}

TEST(CheckTable, ThresholdsFollowTheTable) {
  Thresholds t;
  ASSERT_EQ(t.all().size(), check_catalogue().size());
  for (size_t i = 0; i < t.all().size(); ++i) {
    const auto& d = check_catalogue()[i];
    EXPECT_EQ(t.all()[i].name, d.name);
    EXPECT_EQ(t.all()[i].kind, d.kind);
    EXPECT_EQ(t.all()[i].enabled, d.default_enabled);
  }
  EXPECT_EQ(default_text(*find_check("isolation")), "off");
  EXPECT_EQ(default_text(*find_check("not_starved")), "on");
  EXPECT_EQ(default_text(*find_check("max_gap_ms")), is_debug_build() ? "3000 ms" : "2000 ms");
}

TEST(CheckTable, EvaluateReachesEveryEntryInTableOrder) {
  ThresholdLayer all;
  for (const auto& d : check_catalogue()) {
    ASSERT_TRUE(d.kind == CheckKind::kToggle ? all.set_enabled(d.name, true)
                                             : all.set_limit(d.name, 1));
  }
  WorkerReport r;
  r.worker_index = 0;
  r.tid = 10;
  r.completed = true;
  r.wall_time_ns = r.cpu_time_ns = 1'000'000'000;
  r.iterations = r.work_units = 100;
  r.cpus_used = {0};
  CgroupInput cg{"cg", {r}, CpuSet{0}, {}};
  std::vector<CgroupInput> in{cg};
  std::vector<CgroupStats> stats{compute_cgroup_stats(cg, {})};
  auto results = evaluate_checks(merge_thresholds(nullptr, &all), in, stats,
                                 sched::SchedulerHealth::host_default());
  std::vector<std::string> names;
  for (const auto& res : results) {
    names.push_back(res.name);
    const CheckDef& d = *find_check(res.name);
    SCOPED_TRACE(d.name);
    EXPECT_FALSE(res.detail.empty());
    // A numeric check's evidence names the measured value in the table's words.
    if (d.kind != CheckKind::kToggle) {
      EXPECT_NE(res.detail.find(d.evidence), std::string::npos) << res.detail;
    }
  }
  EXPECT_EQ(names, check_names());
  // 100 work units per CPU-second and 100 iterations per second pass a floor of 1.
  EXPECT_EQ(results[5].name, "min_work_rate");
  EXPECT_EQ(results[5].verdict, Verdict::kPass);
  EXPECT_DOUBLE_EQ(*results[5].value, 100);
}

}  // namespace
}  // namespace ktstr::check

namespace ktstr::check {
namespace {

// max_wakeup_p99_us judges the waker-stamped p99 in microseconds, and only
// a cgroup that had wakeups.
TEST(CheckTable, WakeupP99IsMeasuredInMicroseconds) {
  const CheckDef* d = find_check("max_wakeup_p99_us");
  ASSERT_NE(d, nullptr);
  ASSERT_NE(d->cgroup_value, nullptr);
  EXPECT_TRUE(d->timing_sensitive);
  CgroupStats s;
  EXPECT_FALSE(d->cgroup_value(s).has_value()) << "no wakeups, nothing to judge";
  s.wakeup.all.count = 3;
  s.wakeup.all.p99_ns = 42'500;
  ASSERT_TRUE(d->cgroup_value(s).has_value());
  EXPECT_DOUBLE_EQ(*d->cgroup_value(s), 42.5);
}

}  // namespace
}  // namespace ktstr::check
