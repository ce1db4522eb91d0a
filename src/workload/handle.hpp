// WorkloadHandle: spawns a workload's workers, releases them, and collects
// one WorkerReport per worker (workload.md "Dispatch modes" and
// "WorkloadHandle API").
//
// Invariants: the number of reports equals the number of workers (lost
// workers become sentinel reports); nothing the handle acquired (process,
// process group, thread, fd, mapping) outlives it.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "workload/config.hpp"
#include "workload/report.hpp"
#include "workload/spec.hpp"

namespace ktstr::workload {

struct HandleState;

// Time limits of the pipeline.
inline constexpr uint64_t kStartByteTimeoutNs = 30'000'000'000;  // child waits this for start
inline constexpr uint64_t kReadyTimeoutNs = 5'000'000'000;       // auto-start ready wait
inline constexpr uint64_t kCollectTimeoutNs = 5'000'000'000;     // shared collect deadline
inline constexpr uint64_t kReapTimeoutNs = 5'000'000'000;        // SIGKILL to reaped, else evidence
inline constexpr int kReportPipeBytes = 8 * 1024 * 1024;

// How validated groups are started.
struct SpawnOptions {
  CloneMode clone_mode = CloneMode::kFork;
  std::string cgroup_dir;  // context for custom or cgroup-aware workers; empty = none
  // The run's cgroup tree, which cgroup work types stay in; "" = none.
  std::string cgroup_root;
};

class WorkloadHandle {
 public:
  // Validates every group (validate_config), then spawn_groups.
  static Result<WorkloadHandle> spawn(const WorkloadConfig& config);
  // Acquires everything, forks/starts the workers of groups 0..N-1 (each
  // validated with o.clone_mode). The workers wait for start(). On failure
  // nothing stays behind.
  static Result<WorkloadHandle> spawn_groups(std::vector<ValidSpec> groups, const SpawnOptions& o);
  // One forked thread-group leader named `pcomm` hosting every worker of
  // `specs` as threads (groups 0..N-1). Zero workers in total: no container.
  // Validates each spec (thread clone mode, SpawnKind::kPcomm) first.
  static Result<WorkloadHandle> spawn_pcomm(const std::string& pcomm, std::optional<uint32_t> uid,
                                            std::optional<uint32_t> gid,
                                            const std::vector<WorkSpec>& specs);
  // As above with groups already validated for SpawnKind::kPcomm.
  static Result<WorkloadHandle> spawn_pcomm_groups(const std::string& pcomm,
                                                   std::optional<uint32_t> uid,
                                                   std::optional<uint32_t> gid,
                                                   std::vector<ValidSpec> groups);

  WorkloadHandle(WorkloadHandle&&) noexcept;
  WorkloadHandle& operator=(WorkloadHandle&&) noexcept;
  WorkloadHandle(const WorkloadHandle&) = delete;
  WorkloadHandle& operator=(const WorkloadHandle&) = delete;
  ~WorkloadHandle();

  // Forked pids, then thread tids (0 for a thread not yet started); a pcomm
  // container contributes its leader's pid.
  std::vector<pid_t> worker_pids() const;
  // Pids to write into cgroup.procs. Fails for thread workers: their tids
  // share the harness's thread group, so moving them would move the harness.
  Result<std::vector<pid_t>> worker_pids_for_cgroup_procs() const;
  size_t num_workers() const;
  // Releases every worker. Idempotent.
  void start();
  // Re-pins worker `idx` (worker_pids order). Fails for a pcomm container
  // and for a thread that has not published its tid.
  Status set_affinity(size_t idx, const CpuSet& cpus);
  // Relaxed reads of every worker's iteration counter (report order).
  std::vector<uint64_t> snapshot_iterations() const;
  // Stops all workers and returns one report per worker in worker order.
  // Auto-starts (and waits for readiness) when start() was never called.
  std::vector<WorkerReport> stop_and_collect();

 private:
  explicit WorkloadHandle(std::unique_ptr<HandleState> s);
  std::unique_ptr<HandleState> s_;
};

}  // namespace ktstr::workload
