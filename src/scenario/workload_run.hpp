// `ktstr workload`: one workload, no cgroups, for a fixed time on this
// machine; Ctrl-C stops it early and still collects what the workers
// measured. Prints nothing: progress goes to the callback.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "util/result.hpp"
#include "workload/handle.hpp"
#include "workload/report.hpp"
#include "workload/spec.hpp"
#include "workload/summary.hpp"

namespace ktstr::scenario {

struct WorkloadRun {
  std::vector<workload::WorkerReport> reports;
  workload::WorkloadSummary summary;
  bool interrupted = false;  // SIGINT/SIGTERM before duration_ns elapsed
};

// About 4 times a second: time since start and the workers' total iterations.
using WorkloadProgress = std::function<void(uint64_t elapsed_ns, uint64_t iterations)>;

// Installs the SIGINT/SIGTERM handlers (scenario/interrupt.hpp), spawns and
// starts the workers, waits duration_ns (or until interrupted), stops and
// collects them. Errors are spawn errors (nothing is left running).
// `groups` come validated from workload::validate_work_spec.
Result<WorkloadRun> run_workload_for(std::vector<workload::ValidSpec> groups,
                                     const workload::SpawnOptions& spawn, uint64_t duration_ns,
                                     const WorkloadProgress& progress = {});

// Exit code of a finished `ktstr workload` (cli.md): 130 interrupted,
// 0 every worker completed, 1 otherwise.
int workload_exit_code(const WorkloadRun& run);

}  // namespace ktstr::scenario
