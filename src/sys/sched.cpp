#include "sys/sched.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"

namespace ktstr::sys {
namespace {

// Layout of the kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0).
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

}  // namespace

KTSTR_WORKER_PATH pid_t gettid() {
  return static_cast<pid_t>(raw_gettid());
}

int sched_setattr(pid_t tid, int policy, int priority, int nice, uint64_t runtime_ns,
                  uint64_t deadline_ns, uint64_t period_ns) {
  SchedAttr attr{};
  attr.size = sizeof attr;
  attr.sched_policy = static_cast<uint32_t>(policy);
  attr.sched_nice = nice;
  attr.sched_priority = static_cast<uint32_t>(priority);
  attr.sched_runtime = runtime_ns;
  attr.sched_deadline = deadline_ns;
  attr.sched_period = period_ns;
  return static_cast<int>(syscall(SYS_sched_setattr, tid, &attr, 0U));
}

int sched_policy_of(pid_t tid) {
  SchedAttr attr{};
  if (syscall(SYS_sched_getattr, tid, &attr, sizeof attr, 0U) != 0) return -1;
  return static_cast<int>(attr.sched_policy);
}

}  // namespace ktstr::sys
