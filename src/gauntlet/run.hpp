// Running a gauntlet plan: this shard's jobs one after another, each as
// `ktstr run SCENARIO --vm` with the job's preset, scheduler and kernel
// (scenario::vm_run_request + vm::run_in_vm), reporting progress after
// every job. A Ctrl-C stops after the VM it interrupted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gauntlet/plan.hpp"

namespace ktstr::gauntlet {

struct JobOutcome {
  size_t job = 0;       // index into plan.matrix.jobs
  int exit_code = 0;    // as `ktstr run --vm` would exit (docs/cli.md)
  std::string verdict;  // "pass", "fail", "skip", "flaky", "error", "inconclusive", "interrupted"
  std::string reason;   // empty on pass
  double wall_ms = 0;
};

struct Progress {
  size_t done = 0, failed = 0, total = 0;
  const Job* running = nullptr;  // the job about to start; null at the end
  uint64_t eta_ms = 0;           // remaining estimates, scaled by actual/estimated so far
};
using ProgressFn = std::function<void(const Progress&)>;

struct GauntletRun {
  std::vector<JobOutcome> outcomes;  // in run order
  bool interrupted = false;
  int exit_code = 0;  // 130 interrupted, else 1 > 2 > 3 > 4 > 0 over the jobs
};

GauntletRun run_plan(const GauntletPlan& plan, const std::string& duration,
                     const ProgressFn& progress);

// "[3/12] 2 done, 1 failed, running steady@4cpu-1llc-nosmt/eevdf/auto, ETA 1m 20s".
std::string render_progress(const Progress& p);
// One line per job with its verdict and wall time, then the counts.
std::string render_run_text(const GauntletPlan& plan, const GauntletRun& run);
nlohmann::json run_json(const GauntletPlan& plan, const GauntletRun& run);

}  // namespace ktstr::gauntlet
