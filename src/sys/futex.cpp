#include "sys/futex.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/clock.hpp"
#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"

namespace ktstr::sys {
namespace {

uint32_t* raw(std::atomic<uint32_t>* w) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  return reinterpret_cast<uint32_t*>(w);
}

// futex(2) inline (a forked worker maps no libc code for it); -1 + errno
// on failure, like syscall(2).
long futex_call(uint32_t* w, int op, uint32_t v, const timespec* ts) {
  const long r = raw_syscall(SYS_futex, raw_arg(w), op, v, raw_arg(ts), 0, 0);
  if (r >= 0) return r;
  errno = static_cast<int>(-r);
  return -1;
}

}  // namespace

KTSTR_WORKER_PATH int futex_wait(std::atomic<uint32_t>* word, uint32_t expected,
                                 uint64_t timeout_ns, bool shared) {
  timespec ts = ns_to_timespec(timeout_ns);
  int op = shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE;
  return static_cast<int>(futex_call(raw(word), op, expected, &ts));
}

KTSTR_WORKER_PATH int futex_wake(std::atomic<uint32_t>* word, int n, bool shared) {
  int op = shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE;
  return static_cast<int>(futex_call(raw(word), op, static_cast<uint32_t>(n), nullptr));
}

int futex_lock_pi(std::atomic<uint32_t>* word, uint64_t timeout_ns) {
  timespec ts = ns_to_timespec(clock_ns(CLOCK_REALTIME) + timeout_ns);
  return static_cast<int>(futex_call(raw(word), FUTEX_LOCK_PI, 0, &ts));
}

int futex_unlock_pi(std::atomic<uint32_t>* word) {
  return static_cast<int>(futex_call(raw(word), FUTEX_UNLOCK_PI, 0, nullptr));
}

}  // namespace ktstr::sys
