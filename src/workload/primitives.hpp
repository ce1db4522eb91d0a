// Building blocks shared by work-type loops: spinning, futex handoffs with
// stop-aware timeouts, and timing helpers.
#pragma once

#include <atomic>
#include <cstdint>

#include "sys/futex.hpp"
#include "util/clock.hpp"
#include "workload/worker_context.hpp"

namespace ktstr::workload {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// n iterations of an increment the compiler cannot remove, plus a relax
// hint; +n work units.
inline void spin(WorkerContext& ctx, uint64_t n) {
  uint64_t sink = 0;
  for (uint64_t i = 0; i < n; ++i) {
    sink += i;
    asm volatile("" : "+r"(sink));
    cpu_relax();
  }
  ctx.tel->add_units(n);
}

// Waits until *word != old or stop. Each futex wait is bounded by
// kStopPollNs. Returns true when the value changed.
inline bool wait_for_change(WorkerContext& ctx, std::atomic<uint32_t>* word, uint32_t old) {
  while (word->load(std::memory_order_acquire) == old) {
    if (ctx.stopped()) return false;
    sys::futex_wait(word, old, kStopPollNs, !ctx.thread_mode);
  }
  return true;
}

// wait_for_change that also says how it ended: kWoken when a futex wait
// slept and a FUTEX_WAKE ended it (a real wakeup, so a waker stamp read now
// measures wake-to-run), kChanged when the value had changed without one.
enum class WaitEnd { kStopped, kChanged, kWoken };
inline WaitEnd wait_for_wake(WorkerContext& ctx, std::atomic<uint32_t>* word, uint32_t old) {
  bool woken = false;
  while (word->load(std::memory_order_acquire) == old) {
    if (ctx.stopped()) return WaitEnd::kStopped;
    woken = sys::futex_wait(word, old, kStopPollNs, !ctx.thread_mode) == 0;
  }
  return woken ? WaitEnd::kWoken : WaitEnd::kChanged;
}

// Sleeps `ns` (relative), then resets the gap clock.
void sleep_ns(WorkerContext& ctx, uint64_t ns);

// Splitmix64 step for work-type randomness (no syscalls).
inline uint64_t next_random(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace ktstr::workload
