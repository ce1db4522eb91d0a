#include "scenario/workload_run.hpp"

#include <algorithm>

#include "scenario/control_priority.hpp"
#include "scenario/dead_runs.hpp"
#include "scenario/interrupt.hpp"
#include "util/clock.hpp"
#include "util/exit_codes.hpp"
#include "workload/handle.hpp"

namespace ktstr::scenario {

Result<WorkloadRun> run_workload_for(std::vector<workload::ValidSpec> groups,
                                     const workload::SpawnOptions& spawn, uint64_t duration_ns,
                                     const WorkloadProgress& progress) {
  install_interrupt_handlers();
  sweep_dead_runs_quietly();
  int rt = 0;
  for (const auto& g : groups) rt = std::max(rt, max_worker_rt_priority(g.spec));
  // The deadline of the run holds however many workers compete (control_priority.hpp).
  ControlPriority priority(control_rt_priority(rt));
  auto handle = workload::WorkloadHandle::spawn_groups(std::move(groups), spawn);
  if (!handle) return unexpected(handle.error());
  handle->start();
  WorkloadRun run;
  const uint64_t start = mono_ns();
  while (mono_ns() - start < duration_ns) {
    if (!sleep_unless_interrupted(
            std::min<uint64_t>(duration_ns - (mono_ns() - start), 250'000'000))) {
      run.interrupted = true;
      break;
    }
    if (progress) {
      uint64_t iters = 0;
      for (auto v : handle->snapshot_iterations()) iters += v;
      progress(mono_ns() - start, iters);
    }
  }
  run.reports = handle->stop_and_collect();
  run.summary = workload::summarize(run.reports);
  return run;
}

int workload_exit_code(const WorkloadRun& run) {
  if (run.interrupted) return kExitInterrupted;
  return run.summary.completed == run.summary.workers ? kExitPass : kExitFail;
}

}  // namespace ktstr::scenario
