#include "check/table.hpp"

#include <fmt/format.h>

#include "check/evaluate.hpp"
#include "check/payload_checks.hpp"

namespace ktstr::check {
namespace {

std::optional<double> when(bool ok, double v) {
  return ok ? std::optional<double>(v) : std::nullopt;
}

// Evaluators: each hands one check the part of the inputs it judges.
CheckResult eval_not_starved(const Threshold& t, const CheckInputs& in) {
  return check_not_starved(t, in.cgroups);
}
CheckResult eval_max_gap(const Threshold& t, const CheckInputs& in) {
  return check_max_gap(t, in.cgroups);
}
CheckResult eval_isolation(const Threshold& t, const CheckInputs& in) {
  return check_isolation(t, in.cgroups);
}
CheckResult eval_min_work_rate(const Threshold& t, const CheckInputs& in) {
  return check_min_work_rate(t, in.cgroups);
}
CheckResult eval_min_iteration_rate(const Threshold& t, const CheckInputs& in) {
  return check_min_iteration_rate(t, in.cgroups);
}
CheckResult eval_cgroup_metric(const Threshold& t, const CheckInputs& in) {
  return check_cgroup_metric(t, in.stats);
}
CheckResult eval_scheduler_alive(const Threshold& t, const CheckInputs& in) {
  return check_scheduler_alive(t, in.health);
}
CheckResult eval_scheduler_clean_exit(const Threshold& t, const CheckInputs& in) {
  return check_scheduler_clean_exit(t, in.health);
}
CheckResult eval_stranded(const Threshold& t, const CheckInputs& in) {
  return check_stranded(t, in.stranded);
}

// timing_sensitive: every check on a duration, a rate or a spread measured
// over wall or CPU time is. Not timing-sensitive: not_starved (zero work over
// a whole run is starvation, not slowness), isolation (a CPU outside the
// cpuset is a placement fact however long it took), scheduler_alive and
// scheduler_clean_exit (states the kernel reports), and the two NUMA page
// placement ratios (where pages sit follows the memory policy and the nodes
// the workers ran on). The NUMA migration ratio is: balancing migrates pages
// from periodic scans, so how many happen depends on how much time the
// workers got.
std::vector<CheckDef> build_table() {
  using K = CheckKind;
  return {
      {.name = "not_starved",
       .kind = K::kToggle,
       .definition = "any worker with work_units == 0 fails (sentinels included)",
       .default_enabled = true,
       .evidence = "work units",
       .evaluate = eval_not_starved},
      {.name = "max_gap_ms",
       .kind = K::kMax,
       .unit = "ms",
       .definition = "any worker's longest gap between checkpoints above the limit",
       .default_enabled = true,
       .default_limit = 2000,
       .debug_limit = 3000,
       .timing_sensitive = true,
       .evidence = "max gap",
       .evaluate = eval_max_gap},
      {.name = "max_spread_pct",
       .kind = K::kMax,
       .unit = "%",
       .definition = "per cgroup, max - min of the workers' off-CPU % (off_cpu / wall)",
       .default_enabled = true,
       .default_limit = 15,
       .debug_limit = 35,
       .timing_sensitive = true,
       .evidence = "off-CPU spread",
       .evaluate = eval_cgroup_metric,
       .cgroup_value = [](const CgroupStats& s) { return when(s.completed > 0, s.spread_pct); }},
      {.name = "isolation",
       .kind = K::kToggle,
       .definition = "every worker's cpus_used is a subset of its cgroup's cpuset",
       .evidence = "cpus outside the cpuset",
       .evaluate = eval_isolation},
      {.name = "max_throughput_cv",
       .kind = K::kMax,
       .unit = "ratio",
       .definition = "per cgroup, CV of work_units per CPU-second across workers",
       .timing_sensitive = true,
       .evidence = "throughput CV",
       .evaluate = eval_cgroup_metric,
       .cgroup_value = [](const CgroupStats& s) { return when(s.completed > 1, s.throughput_cv); }},
      {.name = "min_work_rate",
       .kind = K::kMin,
       .unit = "1/s",
       .definition = "per worker, work_units per CPU-second (floor)",
       .timing_sensitive = true,
       .evidence = "work rate",
       .evaluate = eval_min_work_rate},
      {.name = "max_p99_wake_latency_ns",
       .kind = K::kMax,
       .unit = "ns",
       .definition = "per cgroup, nearest-rank p99 of the pooled wake-latency samples",
       .timing_sensitive = true,
       .evidence = "p99 wake latency",
       .evaluate = eval_cgroup_metric,
       .cgroup_value =
           [](const CgroupStats& s) {
             return when(s.wake_samples > 0, static_cast<double>(s.wake_p99_ns));
           }},
      {.name = "max_wakeup_p99_us",
       .kind = K::kMax,
       .unit = "us",
       .definition = "per cgroup, p99 of the pooled waker-stamped wakeup latencies (waker's "
                     "stamp before its wake call to the wakee running), all placements",
       .timing_sensitive = true,
       .evidence = "p99 wakeup latency",
       .evaluate = eval_cgroup_metric,
       .cgroup_value =
           [](const CgroupStats& s) {
             return when(s.wakeup.all.count > 0, static_cast<double>(s.wakeup.all.p99_ns) / 1e3);
           }},
      {.name = "max_wake_latency_cv",
       .kind = K::kMax,
       .unit = "ratio",
       .definition = "per cgroup, CV of the pooled wake-latency samples",
       .timing_sensitive = true,
       .evidence = "wake latency CV",
       .evaluate = eval_cgroup_metric,
       .cgroup_value = [](const CgroupStats& s) { return when(s.wake_samples > 1, s.wake_cv); }},
      {.name = "min_iteration_rate",
       .kind = K::kMin,
       .unit = "1/s",
       .definition = "per worker, iterations per wall-clock second",
       .timing_sensitive = true,
       .evidence = "iteration rate",
       .evaluate = eval_min_iteration_rate},
      {.name = "max_migration_ratio",
       .kind = K::kMax,
       .unit = "ratio",
       .definition = "per cgroup, migrations / iterations",
       .timing_sensitive = true,
       .evidence = "migrations per iteration",
       .evaluate = eval_cgroup_metric,
       .cgroup_value =
           [](const CgroupStats& s) { return when(s.iterations > 0, s.migration_ratio); }},
      {.name = "min_page_locality",
       .kind = K::kMin,
       .unit = "ratio",
       .definition = "per cgroup, pages on the nodes of the CPUs the workers ran on / all pages",
       .evidence = "page locality",
       .evaluate = eval_cgroup_metric,
       .cgroup_value = [](const CgroupStats& s) { return s.page_locality; }},
      {.name = "max_cross_node_migration_ratio",
       .kind = K::kMax,
       .unit = "ratio",
       .definition = "per cgroup, NUMA pages migrated (vmstat delta) / pages",
       .timing_sensitive = true,
       .evidence = "NUMA pages migrated per page",
       .evaluate = eval_cgroup_metric,
       .cgroup_value = [](const CgroupStats& s) { return s.cross_node_migration_ratio; }},
      {.name = "max_slow_tier_ratio",
       .kind = K::kMax,
       .unit = "ratio",
       .definition = "per cgroup, pages on memory-only (slow tier) nodes / pages",
       .evidence = "slow-tier page share",
       .evaluate = eval_cgroup_metric,
       .cgroup_value = [](const CgroupStats& s) { return s.slow_tier_ratio; }},
      {.name = "scheduler_alive",
       .kind = K::kToggle,
       .definition = "the scheduler under test is still running and attached after every step",
       .default_enabled = true,
       .evidence = "scheduler process and sched_ext state",
       .evaluate = eval_scheduler_alive},
      {.name = "scheduler_clean_exit",
       .kind = K::kToggle,
       .definition = "no sched_ext error exit or stall in the kernel log (sched_ext only)",
       .default_enabled = true,
       .evidence = "sched_ext exit reason",
       .evaluate = eval_scheduler_clean_exit},
      // Not timing-sensitive: the window needs an allowed CPU idle for all of
      // it while the task sat runnable without running, a placement fact a
      // busy host cannot produce (a preempted vCPU is not idle in the guest).
      {.name = "max_stranded_ms",
       .kind = K::kMax,
       .unit = "ms",
       .definition = "a worker runnable but not running while an allowed CPU sat idle (monitor); "
                     "fails under sched_ext, information under EEVDF",
       .default_enabled = true,
       .default_limit = 1000,
       .evidence = "longest stranded window",
       .evaluate = eval_stranded},
  };
}

}  // namespace

const std::vector<CheckDef>& check_catalogue() {
  static const std::vector<CheckDef> table = build_table();
  return table;
}

const CheckDef* find_check(std::string_view name) {
  for (const auto& d : check_catalogue()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

bool timing_sensitive(std::string_view name) {
  if (is_payload_limit_check(name)) return true;  // payload_checks.hpp
  // Relative checks (relative.hpp) compare timings of two phases.
  if (name.rfind("relative:", 0) == 0) return true;
  const CheckDef* def = find_check(name);
  return def != nullptr && def->timing_sensitive;
}

std::vector<std::string> check_names() {
  std::vector<std::string> out;
  for (const auto& d : check_catalogue()) out.push_back(d.name);
  return out;
}

bool is_debug_build() {
#ifdef KTSTR_DEBUG_BUILD
  return true;
#else
  return false;
#endif
}

double default_limit_of(const CheckDef& d) {
  return is_debug_build() && d.debug_limit != 0 ? d.debug_limit : d.default_limit;
}

std::string default_text(const CheckDef& d) {
  if (!d.default_enabled) return "off";
  if (d.kind == CheckKind::kToggle) return "on";
  return fmt::format("{:g} {}", default_limit_of(d), d.unit);
}

}  // namespace ktstr::check
