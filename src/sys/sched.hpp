// Scheduling-class syscalls glibc does not wrap (sched_setattr) and gettid.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace ktstr::sys {

inline constexpr int kSchedDeadline = 6;

pid_t gettid();

// sched_setattr(2) for `tid` (0 = caller). Deadline values in ns.
// Returns 0 or -1 with errno.
int sched_setattr(pid_t tid, int policy, int priority, int nice, uint64_t runtime_ns,
                  uint64_t deadline_ns, uint64_t period_ns);

// Current policy of `tid` from sched_getattr(2); -1 on error.
int sched_policy_of(pid_t tid);

}  // namespace ktstr::sys
