// Chrome/Perfetto trace-event JSON of a run (`--trace FILE`; opens in
// ui.perfetto.dev and chrome://tracing). docs/reports.md "Trace" has the
// layout:
//   - per scenario a process "scenario <name>" with the whole scenario and
//     each step as slices, the other timeline events as instants on it, and
//     a counter track of each cgroup's cumulative iterations;
//   - step, op, loop, interrupt and error events also as global instants;
//   - with raw worker reports (`--raw`), per cgroup a process and per worker
//     a thread: its run phase as a slice, its largest gaps as nested slices,
//     its migrations as instants with from/to CPU.
// Scenarios are laid end to end (the result model has no absolute start
// time per scenario); workers are placed by their CLOCK_MONOTONIC start
// relative to the first worker, anchored at the timeline's "start" event.
// Only complete ("X") slices are used, so there is no B/E pairing to break.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "scenario/result.hpp"
#include "util/result.hpp"

namespace ktstr::report {

// Gap between consecutive scenarios on the trace's time axis.
inline constexpr double kTraceScenarioGapMs = 100;

nlohmann::json build_trace(const scenario::RunResult& run);

// The document with one event per line (diff-friendly, still plain JSON).
std::string render_trace(const scenario::RunResult& run);
std::string dump_trace(const nlohmann::json& trace);

// Well-formedness: an object with a traceEvents array whose events have a
// known phase, pid/tid/ts (non-negative numbers), X slices a non-negative
// dur and proper nesting per thread, B/E balanced per thread, instants a
// valid scope, counters numeric args. The error names the event index.
Status validate_trace(const nlohmann::json& trace);

}  // namespace ktstr::report
