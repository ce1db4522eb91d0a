// The worker side shared by every dispatch mode: apply settings, run the
// work-type loop with telemetry, produce the report.
#pragma once

#include <optional>
#include <string>

#include "workload/admission.hpp"
#include "workload/report.hpp"
#include "workload/worker_context.hpp"

namespace ktstr::workload {

// Applies the group's settings to the calling thread (affinity, policy,
// mempolicy, nice, comm, gid/uid — uid/gid via raw per-thread syscalls so a
// thread worker never changes the harness's credentials). Failures go into
// the report (affinity_error / warnings) and the worker keeps running,
// except a uid/gid that could not be taken: that sets report.exit_info and
// run_worker then skips the work (the worker fails with the reason).
void apply_worker_settings(const GroupPlan& g, const std::optional<CpuSet>& cpus,
                           WorkerReport& report);

// For the calling thread only (raw syscalls; glibc's wrappers would change
// every thread of the process): clears the supplementary groups, then
// setresgid, then setresuid, each checked (getres*id must read the target
// back). "" when done or nothing was asked; else what failed.
std::string drop_credentials(std::optional<uint32_t> uid, std::optional<uint32_t> gid);

// Where a worker waits after its settings are applied until it may run;
// `wait(arg)` returning false means give up without running. A plain
// function pointer, not std::function: a forked worker calls it, and
// std::function's invoker would be code outside the worker path.
struct StartGate {
  bool (*wait)(void* arg) = nullptr;
  void* arg = nullptr;
};

// A gate that calls `f()` (which must outlive the gate).
template <class F>
StartGate start_gate(F& f) {
  return {[](void* a) { return (*static_cast<F*>(a))(); }, &f};
}

// Applies settings, fills ctx fields derived from them, waits at `gate`,
// then runs ctx.type->run with telemetry begun at the gate. Returns nothing
// when the gate gave up. Otherwise `report` holds its identity fields, any
// settings warnings and every measured scalar, and the result views the
// arrays still held by ctx.tel (encode them with the report, or copy_arrays).
// Used by fork children, thread workers and pcomm threads alike.
std::optional<ReportArrays> run_worker(WorkerContext& ctx, const GroupPlan& g, StartGate gate,
                                       WorkerReport& report);

// run_worker for workers that live on as threads of a process (thread mode,
// pcomm containers): a self-contained report (work type named, arrays
// copied out of the telemetry), or nothing when the gate gave up.
std::optional<WorkerReport> run_thread_worker(WorkerContext& ctx, const GroupPlan& g,
                                              StartGate gate);

}  // namespace ktstr::workload
