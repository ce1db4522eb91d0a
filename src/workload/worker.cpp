#include "workload/worker.hpp"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "sys/sched.hpp"
#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"

namespace ktstr::workload {
namespace {

constexpr int kMpolDefault = 0, kMpolPreferred = 1, kMpolBind = 2, kMpolInterleave = 3,
              kMpolLocal = 4, kMpolPreferredMany = 5, kMpolWeightedInterleave = 6;

void warn(WorkerReport& r, std::string what) {
  r.warnings.push_back(std::move(what));
}

void apply_policy(const SchedPolicy& p, WorkerReport& r) {
  using K = SchedPolicy::Kind;
  int policy = SCHED_OTHER;
  switch (p.kind) {
    case K::kNormal:
      return;
    case K::kBatch:
      policy = SCHED_BATCH;
      break;
    case K::kIdle:
      policy = SCHED_IDLE;
      break;
    case K::kFifo:
      policy = SCHED_FIFO;
      break;
    case K::kRoundRobin:
      policy = SCHED_RR;
      break;
    case K::kDeadline:
      policy = sys::kSchedDeadline;
      break;
  }
  int rc = sys::sched_setattr(0, policy, p.is_realtime() ? p.priority : 0, 0, p.runtime_ns,
                              p.deadline_ns, p.period_ns);
  if (rc != 0) {
    warn(r, fmt::format("sched policy {} not applied: {}{}", to_string(p), std::strerror(errno),
                        p.needs_cap_sys_nice() ? " (needs CAP_SYS_NICE)" : ""));
  }
}

void apply_mempolicy(const MemPolicy& p, uint32_t flags, WorkerReport& r) {
  using K = MemPolicy::Kind;
  int mode = kMpolDefault;
  switch (p.kind) {
    case K::kDefault:
      return;
    case K::kLocal:
      mode = kMpolLocal;
      break;
    case K::kBind:
      mode = kMpolBind;
      break;
    case K::kPreferred:
      mode = kMpolPreferred;
      break;
    case K::kInterleave:
      mode = kMpolInterleave;
      break;
    case K::kPreferredMany:
      mode = kMpolPreferredMany;
      break;
    case K::kWeightedInterleave:
      mode = kMpolWeightedInterleave;
      break;
  }
  // The kernel decrements maxnode before reading the mask, so pass
  // highest node + 2 bits.
  int max_node = p.nodes.empty() ? 0 : *p.nodes.rbegin();
  const size_t bits = static_cast<size_t>(max_node) + 2;
  std::vector<unsigned long> mask((bits + 63) / 64, 0);
  for (int n : p.nodes) mask[static_cast<size_t>(n) / 64] |= 1UL << (n % 64);
  long rc = p.kind == K::kLocal
                ? syscall(SYS_set_mempolicy, mode | static_cast<int>(flags), nullptr, 0UL)
                : syscall(SYS_set_mempolicy, mode | static_cast<int>(flags), mask.data(), bits);
  if (rc != 0) warn(r, fmt::format("mem policy not applied: {}", std::strerror(errno)));
}

}  // namespace

KTSTR_WORKER_PATH void apply_worker_settings(const GroupPlan& g, const std::optional<CpuSet>& cpus,
                                             WorkerReport& r) {
  const WorkSpec& s = g.spec;
  if (cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : *cpus) CPU_SET(c, &set);
    // Inline: a forked worker then maps no libc code for it.
    if (const long rc = raw_syscall(SYS_sched_setaffinity, 0, sizeof set, raw_arg(&set)); rc < 0) {
      r.affinity_error = fmt::format("sched_setaffinity({}) failed: {}", format_cpu_list(*cpus),
                                     std::strerror(static_cast<int>(-rc)));
    }
  }
  apply_policy(s.sched_policy, r);
  apply_mempolicy(s.mem_policy, s.mpol_flags, r);
  if (s.nice) {
    // PRIO_PROCESS with who=0 acts on the calling thread on Linux.
    if (setpriority(PRIO_PROCESS, 0, *s.nice) != 0) {
      warn(r, fmt::format("nice {} not applied: {}", *s.nice, std::strerror(errno)));
    }
  }
  if (!s.comm.empty()) prctl(PR_SET_NAME, s.comm.substr(0, 15).c_str(), 0, 0, 0);
  if (std::string why = drop_credentials(s.uid, s.gid); !why.empty()) {
    r.exit_info = ExitInfo{ExitInfo::Kind::kPanicked, 0, std::move(why)};
  }
}

std::string drop_credentials(std::optional<uint32_t> uid, std::optional<uint32_t> gid) {
  if (!uid && !gid) return {};
  // Supplementary groups first: once the uid is dropped they can no longer
  // be cleared, and root's groups would stay with the worker. A thread that
  // already has none (a pcomm container's, after the container dropped)
  // skips the call, which needs CAP_SETGID.
  if (syscall(SYS_getgroups, 0, nullptr) != 0 && syscall(SYS_setgroups, 0, nullptr) != 0) {
    return fmt::format(
        "cannot drop supplementary groups (setgroups): {}; dropping to {}{} needs "
        "CAP_SETGID (run as root)",
        std::strerror(errno), uid ? fmt::format("uid {}", *uid) : "",
        gid ? fmt::format("{}gid {}", uid ? " " : "", *gid) : "");
  }
  if (gid) {
    gid_t rg = 0, eg = 0, sg = 0;
    if (syscall(SYS_setresgid, *gid, *gid, *gid) != 0) {
      return fmt::format("gid {} not applied (setresgid): {}", *gid, std::strerror(errno));
    }
    if (syscall(SYS_getresgid, &rg, &eg, &sg) != 0 || rg != *gid || eg != *gid || sg != *gid) {
      return fmt::format("gid {} not applied: getresgid reads {}/{}/{}", *gid, rg, eg, sg);
    }
  }
  if (uid) {
    uid_t ru = 0, eu = 0, su = 0;
    if (syscall(SYS_setresuid, *uid, *uid, *uid) != 0) {
      return fmt::format("uid {} not applied (setresuid): {}", *uid, std::strerror(errno));
    }
    if (syscall(SYS_getresuid, &ru, &eu, &su) != 0 || ru != *uid || eu != *uid || su != *uid) {
      return fmt::format("uid {} not applied: getresuid reads {}/{}/{}", *uid, ru, eu, su);
    }
  }
  return {};
}

namespace {

// Page faults the run would otherwise take on its first iteration, taken
// now, before the start gate, so they are not measured as part of the work
// (the same reason real-time programs prefault their stacks): the work
// type's code (a read maps the same code window an instruction fetch
// would), the page of this worker's shared iteration counter, and the stack
// below this frame, where the work type's frames and the stop signal's
// frame (several KiB of saved register state) will land.
KTSTR_WORKER_PATH [[gnu::noinline]] void prefault_run(const WorkerContext& ctx) {
  if (ctx.type->run != nullptr) {
    const volatile auto* code = reinterpret_cast<const volatile unsigned char*>(ctx.type->run);
    (void)*code;
  }
  ctx.tel->iteration_slot_touch();
  constexpr size_t kStackBytes = size_t{8} * 1024;
  unsigned char stack[kStackBytes];
  for (size_t i = 0; i < kStackBytes; i += 4096) {
    stack[i] = 0;
    asm volatile("" : : "r"(stack + i) : "memory");  // keep every store
  }
}

}  // namespace

KTSTR_WORKER_PATH std::optional<ReportArrays> run_worker(WorkerContext& ctx, const GroupPlan& g,
                                                         StartGate gate, WorkerReport& report) {
  report.worker_index = ctx.worker_index;
  report.group_idx = g.group_idx;
  ctx.tid = sys::gettid();
  report.tid = ctx.tid;
  apply_worker_settings(g, g.worker_cpus[ctx.worker_index_in_group], report);
  prefault_run(ctx);
  if (!gate.wait(gate.arg)) return std::nullopt;
  // Read after the start gate: the scenario engine moves workers into their
  // cgroup (changing the mask through the cpuset) before releasing them.
  CPU_ZERO(&ctx.allowed_mask);
  if (raw_syscall(SYS_sched_getaffinity, 0, sizeof ctx.allowed_mask, raw_arg(&ctx.allowed_mask)) <=
      0) {
    CPU_ZERO(&ctx.allowed_mask);
  }
  ctx.tel->begin();
  // A worker whose credentials could not be dropped must not run its work
  // with the ones it has: it reports as failed, with the reason.
  if (!report.exit_info) ctx.type->run(ctx);
  auto arrays = ctx.tel->finish(report);
  if (report.exit_info) report.completed = false;
  return arrays;
}

std::optional<WorkerReport> run_thread_worker(WorkerContext& ctx, const GroupPlan& g,
                                              StartGate gate) {
  WorkerReport r;
  r.work_type = ctx.type->name;
  auto arrays = run_worker(ctx, g, gate, r);
  if (!arrays) return std::nullopt;
  copy_arrays(*arrays, r);
  return r;
}

}  // namespace ktstr::workload
