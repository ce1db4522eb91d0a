// A workload-wide summary of worker reports, for `ktstr workload` output.
#pragma once

#include <array>

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "workload/report.hpp"

namespace ktstr::workload {

// Waker-stamped wakeup latency of some reports, overall and per placement.
// `count` is the true number of wakeups (every one attributed to exactly
// one placement); percentiles are nearest rank over the pooled reservoir
// samples of that placement (0 when it kept none).
struct WakeupStats {
  uint64_t count = 0;
  uint64_t p50_ns = 0, p90_ns = 0, p99_ns = 0;
  bool operator==(const WakeupStats&) const = default;
};
struct WakeupBreakdown {
  WakeupStats all;
  std::array<WakeupStats, kPlacements> by_placement{};  // indexed by Placement
  bool operator==(const WakeupBreakdown&) const = default;
};
WakeupBreakdown wakeup_breakdown(const std::vector<WorkerReport>& reports);
WakeupBreakdown wakeup_breakdown(const std::vector<const WorkerReport*>& reports);
// {"count", "p50_ns", "p90_ns", "p99_ns", "by_placement": {"same_cpu": {...}, ...}};
// placements without wakeups are left out.
void to_json(nlohmann::json& j, const WakeupBreakdown& b);
void from_json(const nlohmann::json& j, WakeupBreakdown& b);

struct WorkloadSummary {
  size_t workers = 0;
  size_t completed = 0;
  uint64_t work_units = 0;
  uint64_t iterations = 0;
  double work_units_per_sec = 0;  // sum over workers of units / wall seconds
  uint64_t wake_samples = 0;      // true total across workers
  // The "wake" reservoir: time blocked in the work type's wait (JSON keeps
  // the historical wake_* names).
  uint64_t wake_p50_ns = 0;  // pooled reservoir samples, nearest rank
  uint64_t wake_p99_ns = 0;
  uint64_t wake_max_ns = 0;
  uint64_t migrations = 0;
  double max_gap_ms = 0;
  int max_gap_cpu = -1;
  double mean_off_cpu_pct = 0;
  uint64_t run_delay_ns = 0;  // schedstat, summed
  WakeupBreakdown wakeup;
};

WorkloadSummary summarize(const std::vector<WorkerReport>& reports);
void to_json(nlohmann::json& j, const WorkloadSummary& s);

}  // namespace ktstr::workload
