// Internal state shared by the spawn pipeline's translation units.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "util/shared_mapping.hpp"
#include "util/unique_fd.hpp"
#include "workload/admission.hpp"
#include "workload/report.hpp"

namespace ktstr::workload {

// Stop flag of a forked worker process (set by its SIGUSR1 handler).
extern std::atomic<bool> g_process_stop;

// Everything shared between the parent and workers: plans, shared memory,
// inter-worker pipes, iteration counters. Held by shared_ptr so a thread
// worker that missed its join deadline can keep using it after the handle
// is gone (it is detached, and its memory must stay valid).
struct SharedResources {
  std::vector<GroupPlan> plans;
  SharedMapping counters;                // one std::atomic<uint64_t> per worker
  std::vector<SharedMapping> group_mem;  // per group: units * shared_per_unit
  // per group: units * pipes_per_unit pipes, each {read, write}
  std::vector<std::vector<std::array<UniqueFd, 2>>> group_pipes;
  size_t total_workers = 0;
  std::string cgroup_dir;     // passed to workers that act on their own cgroup
  std::string cgroup_root;    // the run's cgroup tree (SpawnOptions::cgroup_root)
  bool cap_sys_nice = false;  // euid 0, decided before any fork

  std::atomic<uint64_t>* counter(size_t worker_index) const {
    return reinterpret_cast<std::atomic<uint64_t>*>(counters.data()) + worker_index;
  }
  // Every inter-worker pipe fd (for closing in children).
  std::vector<int> all_pipe_fds() const;
};

// Where worker `k` of group `g` lives.
struct WorkerSlot {
  size_t group_idx = 0;
  size_t index_in_group = 0;
  size_t worker_index = 0;
};

// Builds a worker's context for its slot (shared memory and pipes of its unit).
struct WorkerContext;
void fill_context(WorkerContext& ctx, const SharedResources& res, const WorkerSlot& slot);
// Appends the fds of the pipes of the slot's unit (none for most types).
void append_unit_pipe_fds(const SharedResources& res, const WorkerSlot& slot,
                          std::vector<int>& out);

struct ForkedChild {
  pid_t pid = -1;
  UniqueFd report_r;  // 'r', then u64 length, then CBOR array of reports
  // Its workers: HandleState::slots[slot_begin, slot_begin + slot_count)
  // (1 for a plain worker, all of them for a pcomm container).
  size_t slot_begin = 0, slot_count = 0;
  bool container = false;
  UniqueFd pidfd;  // -1 when the kernel has no pidfd_open (before 5.3)
  bool ready = false;
  bool exited = false;  // seen exited (waitid WNOWAIT), not yet reaped
  bool reaped = false;
  int wait_status = 0;
  std::string stuck;  // not reaped before the deadline: where it is stuck
  std::vector<uint8_t> buf;
};

struct ThreadShared {
  std::atomic<bool> stop{false};
  std::atomic<pid_t> tid{0};
  std::atomic<bool> done{false};
  WorkerSlot slot;
  std::optional<WorkerReport> report;
  std::string panic;
};

struct HandleState {
  std::shared_ptr<SharedResources> res;
  std::vector<ForkedChild> children;
  // Children collect_children could not reap in time (kReapTimeoutNs); the
  // destructor tries once more.
  std::vector<ForkedChild> unreaped;
  // Forked children's shared start pipe: one byte per child releases it.
  UniqueFd start_r, start_w;
  // Built once before the first fork (prepare_fork in fork_spawn.cpp):
  // every worker slot in worker_index order; every inter-worker pipe fd
  // (what a pcomm container keeps); /dev/null for the children's stdio; the
  // fd bound of a child's close loop on kernels without close_range.
  std::vector<WorkerSlot> slots;
  std::vector<int> container_keep;
  UniqueFd dev_null;
  int fd_limit = 1024;
  std::vector<std::shared_ptr<ThreadShared>> threads;
  std::vector<std::thread> thread_objs;
  std::shared_ptr<std::atomic<uint32_t>> thread_start;  // 0 = hold, 1 = go
  // How many thread workers have passed the start gate (futex word).
  std::shared_ptr<std::atomic<uint32_t>> threads_running;
  std::shared_ptr<UniqueFd> thread_exit_efd;  // bumped by every exiting thread
  bool started = false;
  bool collected = false;
  bool thread_mode = false;

  ~HandleState();
  void kill_children();
  void stop_and_join_threads(std::vector<WorkerReport>* out);
};

Result<std::shared_ptr<SharedResources>> allocate_resources(std::vector<GroupPlan> plans);
// Fork mode: one child per worker. Pcomm: one container child for all.
Status fork_workers(HandleState& st);
Status fork_pcomm_container(HandleState& st, const std::string& pcomm, std::optional<uint32_t> uid,
                            std::optional<uint32_t> gid);
Status start_thread_workers(HandleState& st);
std::vector<WorkerReport> collect_children(HandleState& st, bool wait_ready);

}  // namespace ktstr::workload
