// Relative checks (docs/scenarios.md "Relative checks"): one metric of one
// phase of a run compared with the same metric of another phase of the same
// run, as a ratio (phase / baseline) bounded by max_ratio and/or min_ratio.
// "No worse than EEVDF" is then a property of one run on one machine, not an
// absolute number that ages with the hardware.
//
// A phase is one step's hold (scenario/phases.hpp measures them); PhaseStats
// is what a phase measured, scenario-wide (every worker of the run).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "check/evaluate.hpp"
#include "util/result.hpp"

namespace ktstr::check {

// What one phase measured. Rates are per wall second of the phase.
struct PhaseStats {
  std::string name;       // the step's `name`, or "step<N>" (1-based)
  size_t step = 0;        // 1-based step index
  std::string scheduler;  // at the phase's start: sched_ext ops name, or "eevdf"
  double start_ms = 0;    // since the scenario started (as the timeline)
  double duration_ms = 0;
  size_t workers = 0;  // workers alive at some point of the phase
  uint64_t iterations = 0;
  double iterations_per_s = 0;
  // From the workers' schedstat, read at the phase's start and end (workers
  // that ended inside the phase count up to their last reading).
  bool schedstat_available = false;
  double cpu_time_ms = 0;
  double cpu_util = 0;  // cpu_time / phase wall time: CPUs kept busy by the workers
  double run_delay_ms = 0;
  uint64_t run_count = 0;
  double mean_run_delay_us = 0;  // run_delay / run_count: mean wait per timeslice
  // From the workers' migration and gap timestamps.
  uint64_t migrations = 0;
  bool migrations_exact = true;  // false: a worker's migration list was capped
  double migrations_per_s = 0;
  double max_gap_ms = 0;
  // false: no kept gap fell in this phase; its longest gap is at most
  // max_gap_ms (the shortest gap kept by the worker that bounds it).
  bool max_gap_exact = true;
};

void to_json(nlohmann::json& j, const PhaseStats& p);
void from_json(const nlohmann::json& j, PhaseStats& p);

// One metric relative checks can compare.
struct RelativeMetric {
  std::string name;  // "iterations_per_s"
  std::string unit;  // "1/s", "us", "ms", ""
  std::string definition;
  // The value of a phase; nullopt = the phase could not measure it.
  std::optional<double> (*value)(const PhaseStats&) = nullptr;
};
const std::vector<RelativeMetric>& relative_metrics();
const RelativeMetric* find_relative_metric(std::string_view name);
std::vector<std::string> relative_metric_names();

// A `[[check]]` entry: metric(phase) / metric(baseline) must be at most
// max_ratio and/or at least min_ratio.
struct RelativeCheck {
  std::string metric;
  std::string phase;
  std::string baseline;
  std::optional<double> max_ratio;
  std::optional<double> min_ratio;
  int line = 0;  // in the scenario file; 0 for C++ builders
};

// Field-level validation without the phases: the metric exists, at least one
// ratio is given, ratios are finite and > 0, min <= max, phase != baseline.
// Errors are kInvalidInput naming the field and the fix.
Status validate_relative_check(const RelativeCheck& c);
// The phase and baseline name one of `phase_names` (with a "did you mean").
Status check_relative_phases(const RelativeCheck& c, const std::vector<std::string>& phase_names);

// "relative:<metric>:<phase>/<baseline>": the result's name. Every relative
// check is timing-sensitive (check::timing_sensitive knows the prefix).
inline constexpr std::string_view kRelativePrefix = "relative:";
std::string relative_check_name(const RelativeCheck& c);

// Judges `c` over the phases of one run. value = the ratio, threshold = the
// violated (or, on pass, the tighter given) bound; relative carries both
// values. Inconclusive when a phase is missing or a value is not measured or
// the baseline is 0.
CheckResult evaluate_relative(const RelativeCheck& c, const std::vector<PhaseStats>& phases);

}  // namespace ktstr::check
