#include "workload/summary.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "util/stats.hpp"

namespace ktstr::workload {

WorkloadSummary summarize(const std::vector<WorkerReport>& reports) {
  WorkloadSummary s;
  std::vector<uint64_t> wakes;
  double off_pct_sum = 0;
  for (const auto& r : reports) {
    ++s.workers;
    if (r.completed) ++s.completed;
    s.work_units += r.work_units;
    s.iterations += r.iterations;
    if (r.wall_time_ns > 0) {
      s.work_units_per_sec +=
          static_cast<double>(r.work_units) * 1e9 / static_cast<double>(r.wall_time_ns);
      off_pct_sum +=
          100.0 * static_cast<double>(r.off_cpu_ns) / static_cast<double>(r.wall_time_ns);
    }
    s.wake_samples += r.wake_sample_total;
    wakes.insert(wakes.end(), r.wake_latencies_ns.begin(), r.wake_latencies_ns.end());
    s.migrations += r.migration_count;
    if (r.max_gap_ms > s.max_gap_ms) {
      s.max_gap_ms = r.max_gap_ms;
      s.max_gap_cpu = r.max_gap_cpu;
    }
    s.run_delay_ns += r.schedstat_run_delay_ns;
  }
  std::sort(wakes.begin(), wakes.end());
  s.wake_p50_ns = percentile_sorted(wakes, 50);
  s.wake_p99_ns = percentile_sorted(wakes, 99);
  s.wake_max_ns = wakes.empty() ? 0 : wakes.back();
  s.mean_off_cpu_pct = s.workers ? off_pct_sum / static_cast<double>(s.workers) : 0;
  return s;
}

void to_json(nlohmann::json& j, const WorkloadSummary& s) {
  j = {{"workers", s.workers},
       {"completed", s.completed},
       {"work_units", s.work_units},
       {"iterations", s.iterations},
       {"work_units_per_sec", s.work_units_per_sec},
       {"wake_samples", s.wake_samples},
       {"wake_p50_ns", s.wake_p50_ns},
       {"wake_p99_ns", s.wake_p99_ns},
       {"wake_max_ns", s.wake_max_ns},
       {"migrations", s.migrations},
       {"max_gap_ms", s.max_gap_ms},
       {"max_gap_cpu", s.max_gap_cpu},
       {"mean_off_cpu_pct", s.mean_off_cpu_pct},
       {"run_delay_ns", s.run_delay_ns}};
}

}  // namespace ktstr::workload
