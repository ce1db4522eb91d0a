// JSON form of the statistics: field names are the struct's (docs/results.md).
#include "check/stats.hpp"
#include "util/json_struct.hpp"

namespace ktstr::check {

KTSTR_JSON_STRUCT(CgroupStats, name, workers, completed, cpus_used, cpuset, off_cpu_pct_min,
                  off_cpu_pct_avg, off_cpu_pct_max, spread_pct, max_gap_ms, max_gap_cpu,
                  max_gap_worker, max_gap_tid, max_gap_at_ms, migrations, iterations, work_units,
                  migration_ratio, wake_samples, wake_sample_total, wake_p50_ns, wake_p99_ns,
                  wake_p999_ns, wake_cv, wakeup, throughput_cv, min_work_rate, min_iteration_rate,
                  schedstat_available, run_delay_mean_ms, run_delay_worst_ms,
                  run_delay_worst_worker, page_locality, cross_node_migration_ratio,
                  slow_tier_ratio)

KTSTR_JSON_STRUCT(ScenarioStats, cgroups, workers, completed, iterations, work_units, migrations,
                  off_cpu_pct_min, off_cpu_pct_max, max_spread_pct, max_spread_cgroup, max_gap_ms,
                  max_gap_cpu, max_gap_cgroup, max_migration_ratio, worst_wake_p50_ns,
                  worst_wake_p99_ns, worst_wake_p999_ns, worst_wake_p99_cgroup, max_wake_cv,
                  worst_wakeup_p50_ns, worst_wakeup_p99_ns, wakeup_count, max_throughput_cv,
                  min_work_rate, min_iteration_rate, run_delay_worst_ms, min_page_locality)

}  // namespace ktstr::check
