// Helpers shared by the sched, rt, memory and cgroup work-type families:
// per-thread affinity and policy changes, a sampled yield, and the rest
// guard that keeps SCHED_FIFO spinners from monopolising a CPU.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/cpu_list.hpp"
#include "workload/worker_context.hpp"

namespace ktstr::workload {

// sched_setaffinity(0, cpus) for the calling thread only. 0 or an errno.
int pin_self(const CpuSet& cpus);
// sched_setaffinity(tid, cpus) for another task. 0 or an errno.
int pin_task(pid_t tid, const CpuSet& cpus);

// sched_setscheduler for the calling thread only (nice is kept). 0 or an
// errno. `priority` is ignored for non-RT policies.
int set_self_policy(int policy, int priority);

// sched_yield with the time spent inside it as a wake sample.
void sampled_yield(WorkerContext& ctx);

// The lowest nice value this thread may set: -20 with CAP_SYS_NICE,
// otherwise what RLIMIT_NICE allows, never below 0.
int lowest_allowed_nice(const WorkerContext& ctx);

// Whitespace-separated decimal pids (cgroup.procs, children files).
std::vector<pid_t> parse_pid_list(std::string_view text);

// A SCHED_FIFO/RR spinner calls poll() every iteration; after
// kRtRunBudgetNs of running without a deliberate block it sleeps
// kRtRestNs. The kernel's RT throttling (sched_rt_runtime_us, 950 ms of
// every 1 s by default) already leaves 5% to other classes, but it may be
// disabled (-1) and a 950 ms stall of the harness thread is too long for a
// test; with this guard no RT spinner keeps a CPU for more than 50 ms and
// other classes get >= ~9% of it.
class RtRestGuard {
 public:
  static constexpr uint64_t kRtRunBudgetNs = 50'000'000;
  static constexpr uint64_t kRtRestNs = 5'000'000;

  explicit RtRestGuard(bool active);
  void poll(WorkerContext& ctx);
  // The worker blocked deliberately: the budget starts again.
  void blocked();
  uint64_t rests() const { return rests_; }

 private:
  bool active_;
  uint64_t since_ns_;
  uint64_t rests_ = 0;
};

// "/proc/sys/kernel/sched_rt_runtime_us" as a number; nullopt-like -2 when
// unreadable. -1 means RT throttling is disabled.
long long rt_runtime_us(const std::string& procfs_root = "/proc");

}  // namespace ktstr::workload
