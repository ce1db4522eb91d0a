// futex(2) wrappers. Waits always take a timeout so a worker notices a stop
// request within one timeout (workload.md: every blocking wait <= 100 ms).
#pragma once

#include <atomic>
#include <cstdint>

namespace ktstr::sys {

// Blocks while *word == expected, at most timeout_ns (relative, monotonic).
// Returns 0 when woken, -1 with errno (EAGAIN: value changed, ETIMEDOUT,
// EINTR) otherwise. `shared`=false uses FUTEX_PRIVATE (threads only).
int futex_wait(std::atomic<uint32_t>* word, uint32_t expected, uint64_t timeout_ns,
               bool shared = true);
// Wakes up to n waiters; returns how many were woken.
int futex_wake(std::atomic<uint32_t>* word, int n, bool shared = true);
// Priority-inheritance lock/unlock (FUTEX_LOCK_PI with an absolute
// CLOCK_REALTIME timeout of timeout_ns from now). 0 on success.
int futex_lock_pi(std::atomic<uint32_t>* word, uint64_t timeout_ns);
int futex_unlock_pi(std::atomic<uint32_t>* word);

}  // namespace ktstr::sys
