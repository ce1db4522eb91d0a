// Cheap clock reads used on hot paths (vDSO, no syscall).
#pragma once

#include <time.h>

#include <cstdint>

namespace ktstr {

namespace detail {
using VdsoClockGettime = int (*)(clockid_t, timespec*);
// The vDSO's clock_gettime, called directly: the same code libc's wrapper
// ends in, minus the wrapper, which is one more code window for a forked
// worker to fault in. Null if the vDSO lacks it (libc is used then).
extern const VdsoClockGettime g_vdso_clock_gettime;
}  // namespace detail

inline uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  if (detail::g_vdso_clock_gettime == nullptr || detail::g_vdso_clock_gettime(id, &ts) != 0) {
    clock_gettime(id, &ts);
  }
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}
inline uint64_t mono_ns() {
  return clock_ns(CLOCK_MONOTONIC);
}
inline uint64_t thread_cpu_ns() {
  return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

inline timespec ns_to_timespec(uint64_t ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1000000000ULL);
  ts.tv_nsec = static_cast<long>(ns % 1000000000ULL);
  return ts;
}

}  // namespace ktstr
