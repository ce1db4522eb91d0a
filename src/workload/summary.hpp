// A workload-wide summary of worker reports, for `ktstr workload` output.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "workload/report.hpp"

namespace ktstr::workload {

struct WorkloadSummary {
  size_t workers = 0;
  size_t completed = 0;
  uint64_t work_units = 0;
  uint64_t iterations = 0;
  double work_units_per_sec = 0;  // sum over workers of units / wall seconds
  uint64_t wake_samples = 0;      // true total across workers
  uint64_t wake_p50_ns = 0;       // pooled reservoir samples, nearest rank
  uint64_t wake_p99_ns = 0;
  uint64_t wake_max_ns = 0;
  uint64_t migrations = 0;
  double max_gap_ms = 0;
  int max_gap_cpu = -1;
  double mean_off_cpu_pct = 0;
  uint64_t run_delay_ns = 0;  // schedstat, summed
};

WorkloadSummary summarize(const std::vector<WorkerReport>& reports);
void to_json(nlohmann::json& j, const WorkloadSummary& s);

}  // namespace ktstr::workload
