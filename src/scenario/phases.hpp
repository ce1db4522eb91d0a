// Per-phase statistics (docs/results.md "phases_stats"): each step's hold is
// a phase, named by the step's `name` or "step<N>". The engine marks each
// phase's start and end (mono time, the summed iteration counters, every
// live worker's schedstat, the sched_ext scheduler attached); after the run,
// split_phases() turns the marks and the workers' timestamped migrations and
// gaps into one check::PhaseStats per phase. Relative checks (check/relative)
// compare those.
//
// Not per phase: work units and wake latency samples (the worker keeps no
// timestamps for them), so throughput is iterations per second.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "check/relative.hpp"
#include "scenario/model.hpp"
#include "sys/procfs.hpp"
#include "workload/report.hpp"

namespace ktstr::scenario {

// What the engine reads at one phase boundary.
struct PhaseMark {
  uint64_t mono_ns = 0;
  uint64_t iterations = 0;                    // every worker's counter, summed
  std::map<pid_t, sys::Schedstat> schedstat;  // per live worker pid (fork mode)
};

struct PhaseWindow {
  std::string name;
  size_t step = 0;        // 1-based
  std::string scheduler;  // at the start: sched_ext ops name or "eevdf"
  PhaseMark start, end;
};

// The step's `name`, or "step<index+1>".
std::string phase_name(const Step& step, size_t index);
// Every phase of `s` in order (one "step1" for a scenario without steps).
std::vector<std::string> phase_names(const Scenario& s);
// Step names must be unique and must not look like another step's default
// ("step2" on the first step); relative checks must name existing phases.
// Errors are kInvalidInput naming the line and the fix.
Status validate_phases(const Scenario& s);

// Reads /proc/<pid>/schedstat of each pid; unreadable pids are left out.
PhaseMark take_phase_mark(const std::vector<pid_t>& pids, uint64_t iterations, uint64_t mono_ns);
// The sched_ext ops attached now, or "eevdf".
std::string current_scheduler_name(const std::string& sysfs_root = "/sys");

// One PhaseStats per window. `reports` are every worker's reports (tid,
// start_mono_ns and the migration/gap timestamps are read); `t0_ns` is the
// scenario's start (PhaseStats::start_ms is relative to it).
std::vector<check::PhaseStats> split_phases(const std::vector<PhaseWindow>& windows,
                                            const std::vector<workload::WorkerReport>& reports,
                                            uint64_t t0_ns);

}  // namespace ktstr::scenario
