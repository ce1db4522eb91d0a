// The worker side shared by every dispatch mode: apply settings, run the
// work-type loop with telemetry, produce the report.
#pragma once

#include <functional>
#include <optional>

#include "workload/admission.hpp"
#include "workload/report.hpp"
#include "workload/worker_context.hpp"

namespace ktstr::workload {

// Applies the group's settings to the calling thread (affinity, policy,
// mempolicy, nice, comm, gid/uid — uid/gid via raw per-thread syscalls so a
// thread worker never changes the harness's credentials). Failures go into
// the report (affinity_error / warnings); the worker keeps running.
void apply_worker_settings(const GroupPlan& g, const std::optional<CpuSet>& cpus,
                           WorkerReport& report);

// Runs ctx.type->run with telemetry begun now; returns the finished report.
// `report` carries anything recorded before (settings warnings).
WorkerReport run_worker_loop(WorkerContext& ctx, WorkerReport report);

// Applies settings, fills ctx fields derived from them, waits on
// `wait_start` (returns false: give up without running), runs the loop.
// Used by fork children, thread workers and pcomm threads alike.
std::optional<WorkerReport> run_worker(WorkerContext& ctx, const GroupPlan& g,
                                       const std::function<bool()>& wait_start);

}  // namespace ktstr::workload
