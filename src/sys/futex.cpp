#include "sys/futex.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/clock.hpp"

namespace ktstr::sys {
namespace {

uint32_t* raw(std::atomic<uint32_t>* w) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  return reinterpret_cast<uint32_t*>(w);
}

}  // namespace

int futex_wait(std::atomic<uint32_t>* word, uint32_t expected, uint64_t timeout_ns, bool shared) {
  timespec ts = ns_to_timespec(timeout_ns);
  int op = shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE;
  return static_cast<int>(syscall(SYS_futex, raw(word), op, expected, &ts, nullptr, 0));
}

int futex_wake(std::atomic<uint32_t>* word, int n, bool shared) {
  int op = shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE;
  return static_cast<int>(syscall(SYS_futex, raw(word), op, n, nullptr, nullptr, 0));
}

int futex_lock_pi(std::atomic<uint32_t>* word, uint64_t timeout_ns) {
  timespec ts = ns_to_timespec(clock_ns(CLOCK_REALTIME) + timeout_ns);
  return static_cast<int>(syscall(SYS_futex, raw(word), FUTEX_LOCK_PI, 0, &ts, nullptr, 0));
}

int futex_unlock_pi(std::atomic<uint32_t>* word) {
  return static_cast<int>(syscall(SYS_futex, raw(word), FUTEX_UNLOCK_PI, 0, nullptr, nullptr, 0));
}

}  // namespace ktstr::sys
