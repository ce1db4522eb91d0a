// Scheduling-attribute churn: nice values, CPU masks (own and siblings')
// and policies changed every iteration, each followed by a sampled yield.
// Every change is per thread (setpriority on the tid, sched_setaffinity and
// sched_setscheduler with pid 0), so thread-mode workers never touch the
// harness's other threads.
#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "util/file_io.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"
#include "workload/work_types/sched_helpers.hpp"

namespace ktstr::workload {
namespace {

constexpr uint64_t kSiblingRefreshNs = 100'000'000;

void run_nice_sweep(WorkerContext& ctx) {
  const int lowest = lowest_allowed_nice(ctx);
  if (!ctx.cap_sys_nice) {
    ctx.tel->warn(fmt::format(
        "nice_sweep: no CAP_SYS_NICE; sweeping nice {}..19 only, and the kernel refuses to lower "
        "it again unless RLIMIT_NICE allows",
        lowest));
  }
  bool warned = false;
  uint64_t refused = 0;
  int nice = lowest;
  while (!ctx.stopped()) {
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(ctx.tid), nice) != 0) {
      ++refused;
      if (!warned) {
        ctx.tel->warn(
            fmt::format("nice_sweep: setpriority({}) refused: {}", nice, std::strerror(errno)));
        warned = true;
      }
    }
    spin(ctx, 512);
    sampled_yield(ctx);
    ctx.tel->iteration();
    nice = nice >= 19 ? lowest : nice + 1;
  }
  setpriority(PRIO_PROCESS, static_cast<id_t>(ctx.tid), 0);
  ctx.tel->set_extra("nice_refused", static_cast<double>(refused));
}

void run_affinity_churn(WorkerContext& ctx) {
  const auto spin_iters = static_cast<uint64_t>(ctx.params->get_int("spin_iters"));
  const CpuSet allowed = ctx.allowed_cpus();
  const std::vector<int> cpus(allowed.begin(), allowed.end());
  if (cpus.size() < 2) {
    ctx.tel->warn(
        fmt::format("affinity_churn: only {} allowed CPU(s) ({}); re-pinning cannot "
                    "migrate, it only exercises the affinity path",
                    cpus.size(), format_cpu_list(allowed)));
  }
  uint64_t rng = ctx.seed;
  uint64_t repins = 0;
  bool warned = false;
  while (!ctx.stopped() && !cpus.empty()) {
    spin(ctx, spin_iters);
    const int cpu = cpus[next_random(rng) % cpus.size()];
    if (int err = pin_self({cpu}); err != 0) {
      if (!warned) {
        ctx.tel->warn(
            fmt::format("affinity_churn: pinning to CPU {} failed: {}", cpu, std::strerror(err)));
        warned = true;
      }
    } else {
      ++repins;
    }
    sampled_yield(ctx);
    ctx.tel->iteration();
  }
  pin_self(ctx.allowed_cpus());
  ctx.tel->set_extra("repins", static_cast<double>(repins));
}

// The parent pid of `pid` from /proc/<pid>/stat (field 4), -1 if gone.
pid_t parent_of(pid_t pid) {
  auto text = read_file(fmt::format("/proc/{}/stat", pid));
  if (!text) return -1;
  size_t close = text->rfind(')');
  if (close == std::string::npos || close + 4 >= text->size()) return -1;
  auto fields = parse_pid_list(std::string_view(*text).substr(close + 4));
  return fields.empty() ? -1 : fields[0];
}

// Fellow worker processes of this workload: the pids in our cgroup's
// cgroup.procs (or, without a cgroup, our parent's children) that share our
// parent. The parent check keeps the type from repinning unrelated tasks
// that happen to live in the same cgroup.
std::vector<pid_t> find_siblings(const WorkerContext& ctx, pid_t self, pid_t parent) {
  std::vector<pid_t> candidates;
  if (!ctx.cgroup_dir.empty()) {
    if (auto text = read_file(std::string(ctx.cgroup_dir) + "/cgroup.procs")) {
      candidates = parse_pid_list(*text);
    }
  } else {
    // Children are listed per forking thread, so read every thread's list.
    const std::string task_dir = fmt::format("/proc/{}/task", parent);
    if (DIR* d = opendir(task_dir.c_str())) {
      while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        auto text = read_file(task_dir + "/" + e->d_name + "/children");
        if (!text) continue;
        for (pid_t p : parse_pid_list(*text)) candidates.push_back(p);
      }
      closedir(d);
    }
  }
  std::vector<pid_t> out;
  for (pid_t p : candidates) {
    if (p != self && (ctx.cgroup_dir.empty() || parent_of(p) == parent)) out.push_back(p);
  }
  return out;
}

// Narrows or widens one sibling's mask: narrowed siblings are widened back
// to this worker's allowed set, others are pinned to one random CPU of it.
struct SiblingToggler {
  std::vector<int> cpus;
  std::map<pid_t, bool> narrowed;
  uint64_t rng;
  uint64_t changes = 0;
  uint64_t failures = 0;

  int toggle(pid_t sib, const CpuSet& allowed) {
    bool& n = narrowed[sib];
    int err = n ? pin_task(sib, allowed) : pin_task(sib, {cpus[next_random(rng) % cpus.size()]});
    if (err == 0) {
      n = !n;
      ++changes;
    } else {
      ++failures;
    }
    return err;
  }
};

void run_cross_affinity_churn(WorkerContext& ctx) {
  const auto spin_iters = static_cast<uint64_t>(ctx.params->get_int("spin_iters"));
  const pid_t self = getpid();
  const pid_t parent = getppid();
  if (ctx.cgroup_dir.empty()) {
    ctx.tel->warn(
        "cross_affinity_churn: no cgroup directory; siblings are the other worker processes "
        "of the same parent (/proc/<ppid>/task/*/children) instead of the cgroup's members");
  }
  const CpuSet allowed = ctx.allowed_cpus();
  SiblingToggler t{{allowed.begin(), allowed.end()}, {}, ctx.seed};
  std::vector<pid_t> siblings;
  uint64_t refresh_at = 0;
  size_t next = 0;
  bool warned_none = false, warned_fail = false;
  while (!ctx.stopped()) {
    spin(ctx, spin_iters);
    if (mono_ns() >= refresh_at) {
      siblings = find_siblings(ctx, self, parent);
      refresh_at = mono_ns() + kSiblingRefreshNs;
      if (siblings.empty() && !warned_none) {
        ctx.tel->warn("cross_affinity_churn: no sibling worker processes found; only spinning");
        warned_none = true;
      }
    }
    if (!siblings.empty() && !t.cpus.empty()) {
      const pid_t sib = siblings[next++ % siblings.size()];
      int err = t.toggle(sib, allowed);
      if (err == ESRCH) refresh_at = 0;
      if (err != 0 && err != ESRCH && !warned_fail) {
        ctx.tel->warn(fmt::format("cross_affinity_churn: changing pid {}'s mask failed: {}", sib,
                                  std::strerror(err)));
        warned_fail = true;
      }
    }
    sampled_yield(ctx);
    ctx.tel->iteration();
  }
  // Leave no sibling pinned to one CPU by us.
  for (const auto& [sib, n] : t.narrowed) {
    if (n) pin_task(sib, allowed);
  }
  ctx.tel->set_extra("mask_changes", static_cast<double>(t.changes));
  ctx.tel->set_extra("mask_failures", static_cast<double>(t.failures));
}

struct PolicyStep {
  int policy;
  const char* name;
};

// OTHER and BATCH always; IDLE only when the thread may leave it again
// (CAP_SYS_NICE, or RLIMIT_NICE covering nice 0); FIFO/RR at priority 1
// with CAP_SYS_NICE.
std::vector<PolicyStep> policy_cycle(const WorkerContext& ctx) {
  std::vector<PolicyStep> steps = {{SCHED_OTHER, "OTHER"}, {SCHED_BATCH, "BATCH"}};
  if (lowest_allowed_nice(ctx) <= 0 || ctx.cap_sys_nice) steps.push_back({SCHED_IDLE, "IDLE"});
  if (ctx.cap_sys_nice) {
    steps.push_back({SCHED_FIFO, "FIFO"});
    steps.push_back({SCHED_RR, "RR"});
  }
  return steps;
}

void run_policy_churn(WorkerContext& ctx) {
  const auto spin_iters = static_cast<uint64_t>(ctx.params->get_int("spin_iters"));
  std::vector<PolicyStep> steps = policy_cycle(ctx);
  if (!ctx.cap_sys_nice) {
    ctx.tel->warn("policy_churn: no CAP_SYS_NICE; cycling without SCHED_FIFO/SCHED_RR");
  }
  size_t i = 0;
  uint64_t switches = 0;
  while (!ctx.stopped() && !steps.empty()) {
    const PolicyStep step = steps[i % steps.size()];
    if (int err = set_self_policy(step.policy, 1); err != 0) {
      // E.g. RT refused in a cgroup without RT runtime: drop the step.
      ctx.tel->warn(fmt::format("policy_churn: SCHED_{} refused ({}); dropped from the cycle",
                                step.name, std::strerror(err)));
      steps.erase(steps.begin() + static_cast<long>(i % steps.size()));
      continue;
    }
    ++switches;
    ++i;
    // At most spin_iters of RT spinning before the next switch: bounded.
    spin(ctx, spin_iters);
    sampled_yield(ctx);
    ctx.tel->iteration();
  }
  set_self_policy(SCHED_OTHER, 0);
  ctx.tel->set_extra("policy_switches", static_cast<double>(switches));
  ctx.tel->set_extra("policies_in_cycle", static_cast<double>(steps.size()));
}

ParamDef spin_param() {
  return {"spin_iters", ParamKind::kInt, "1024", "spin work per iteration", 1, 1LL << 32};
}

}  // namespace

void register_sched_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "nice_sweep",
           .family = "sched",
           .summary = "per iteration: next nice value (-20..19 with CAP_SYS_NICE, else 0..19), "
                      "spin(512), sampled yield; restores nice 0 at the end",
           .samples = "wake",
           .needs = {"cap_sys_nice"},
           .run = run_nice_sweep});
  reg.add({.name = "affinity_churn",
           .family = "sched",
           .summary = "spin, pin self to a random CPU of the worker's allowed set, sampled yield; "
                      "restores the allowed set at the end",
           .params = {spin_param()},
           .samples = "wake",
           .run = run_affinity_churn});
  reg.add({.name = "cross_affinity_churn",
           .family = "sched",
           .summary = "spin, then toggle a sibling worker process between one random CPU and this "
                      "worker's allowed set, sampled yield. Siblings: processes in the worker's "
                      "cgroup.procs with the same parent; without a cgroup directory, the "
                      "parent's other children (warned)",
           .params = {spin_param()},
           .samples = "wake",
           .thread_ok = false,
           .pcomm_ok = false,
           .restriction = "cross_affinity_churn is Fork only: its siblings are worker processes "
                          "(cgroup.procs lists processes), and thread workers share the "
                          "harness's thread group",
           .needs = {"cgroup"},
           .run = run_cross_affinity_churn});
  reg.add({.name = "policy_churn",
           .family = "sched",
           .summary = "cycle SCHED_OTHER/BATCH/IDLE (+FIFO/RR at priority 1 with CAP_SYS_NICE), "
                      "spin, sampled yield; restores SCHED_OTHER at the end",
           .params = {spin_param()},
           .samples = "wake",
           .needs = {"cap_sys_nice"},
           .run = run_policy_churn});
}

}  // namespace ktstr::workload
