// Running a gauntlet plan: this shard's jobs, each as a child `ktstr run
// TARGET --vm ...` (job_process.hpp), up to --jobs at once packed onto the
// host's CPUs (pack.hpp), with progress after every start and finish. The
// results come back in job order whatever order the jobs finish in. A
// termination signal stops every running job (their VMs torn down) and
// starts no more.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gauntlet/plan.hpp"

namespace ktstr::gauntlet {

struct JobOutcome {
  size_t job = 0;       // index into plan.matrix.jobs
  int exit_code = 0;    // as `ktstr run --vm` would exit (docs/cli.md)
  std::string verdict;  // "pass", "fail", "skip", "flaky", "error", "inconclusive", "interrupted"
  std::string reason;   // empty on pass
  double wall_ms = 0;
  double boot_ms = 0;       // QEMU start -> guest init; 0 when the VM never got there
  std::string accel;        // "kvm" | "tcg" | "" (no VM ran)
  nlohmann::json document;  // the job's run document (`ktstr run --json`); null if none
};

struct Progress {
  size_t done = 0, failed = 0, total = 0;
  std::vector<const Job*> running;  // in job order; empty at the end
  uint64_t eta_ms = 0;  // remaining estimates, scaled by actual/estimated so far, over the slots
  bool final = false;   // the last report of the run
};
using ProgressFn = std::function<void(const Progress&)>;

struct RunOptions {
  std::string duration;      // --duration, passed to every job
  size_t max_jobs = 1;       // --jobs; 0: as many as fit on the host's CPUs
  std::string ktstr_binary;  // the `ktstr` each job runs; empty: this executable
  int host_cpus = 0;         // 0: this process's affinity mask
  bool kvm = false;          // jobs cost their vCPUs (KVM), else one CPU each (TCG)
  ProgressFn progress;       // after every start and finish, and once with `final`
  uint64_t tick_ms = 0;      // also this often while jobs run (a terminal's ETA); 0: never
  // After each finished job, in completion order (the boot-model cache).
  std::function<void(const Job&, const JobOutcome&)> finished;
};

struct GauntletRun {
  std::vector<JobOutcome> outcomes;  // in job order (plan.mine's), only jobs that ran
  bool interrupted = false;
  int exit_code = 0;  // 130 interrupted, else 1 > 2 > 3 > 4 > 0 over the jobs
};

GauntletRun run_plan(const GauntletPlan& plan, const RunOptions& opts);

// "[3/12] 2 done, 1 failed, running steady@4cpu-1llc-nosmt/eevdf/auto, ETA 1m 20s".
std::string render_progress(const Progress& p);
// One line per job with its verdict and wall time, then the counts.
std::string render_run_text(const GauntletPlan& plan, const GauntletRun& run);
nlohmann::json run_json(const GauntletPlan& plan, const GauntletRun& run);

}  // namespace ktstr::gauntlet
