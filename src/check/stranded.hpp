// The stranded-task detector (docs/scenarios.md "Stranded tasks"): pure
// logic over the monitor's samples (sched/monitor.hpp).
//
// A task is stranded over the window [t_a, t_b] when, at every sample from a
// to b, it is in state R and between consecutive samples its on-CPU time
// grew by at most `max_run_fraction` of the interval (it was queued, not
// running: a running task is also in state R, but its on-CPU time grows),
// and some CPU allowed to it over the whole window was idle for at least
// `min_idle_fraction` of the window (/proc/stat ticks). Run delay is only
// evidence: the kernel adds a wait to it when the task finally gets a CPU.
//
// A finding needs a window of at least `bound_ms`; one finding per
// maximal window per task, with every qualifying idle CPU.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sched/monitor.hpp"

namespace ktstr::check {

struct StrandedOptions {
  double bound_ms = 1000;
  double max_run_fraction = 0.05;
  double min_idle_fraction = 0.9;
};

struct StrandedFinding {
  std::string group;  // cgroup label of the worker's batch
  size_t worker = 0;
  pid_t tid = 0;
  double from_ms = 0;  // window, ms since the monitor started
  double to_ms = 0;
  size_t samples = 0;          // samples inside the window
  std::string allowed_cpus;    // "0-3"
  std::vector<int> idle_cpus;  // allowed CPUs idle for the window
  double idle_pct = 0;         // the idlest of them, % of the window
  double ran_ms = 0;           // on-CPU time gained over the window
  double run_delay_ms = 0;     // run delay gained (counted when it got a CPU)
  bool sched_ext = false;      // a sched_ext scheduler was enabled at every sample
  std::string ops;             // its ops name
  double window_ms() const { return to_ms - from_ms; }
  // "cg_0 worker 2 (tid 812) runnable, not running 1.20 s (1.00-2.20 s) while
  // CPU 3 of 0-3 was 98 % idle; ran 0.0 ms"
  std::string describe() const;
};

std::vector<StrandedFinding> find_stranded(const sched::MonitorTimeline& tl,
                                           const StrandedOptions& o = {});

struct Threshold;
struct CheckResult;
// The max_stranded_ms check over findings made with bound_ms = t.limit:
// fails on a finding made while a sched_ext scheduler was enabled; findings
// under EEVDF pass with the evidence as information; skip when `findings`
// is nullptr (no monitor samples). Value: the longest window in ms.
CheckResult check_stranded(const Threshold& t, const std::vector<StrandedFinding>* findings);

void to_json(nlohmann::json& j, const StrandedFinding& f);
void from_json(const nlohmann::json& j, StrandedFinding& f);

}  // namespace ktstr::check
