// Real-time families: SCHED_FIFO spinners among normal tasks, a 1 kHz FIFO
// preempter, priority inversion over a plain or PI futex lock, and a waker
// and wakee in chosen classes.
//
// Each worker takes its own policy (sched_setscheduler/sched_setattr with
// pid 0, so only the calling thread changes). Without CAP_SYS_NICE the
// worker warns once and runs in SCHED_OTHER. Safety: every FIFO spinner
// runs under RtRestGuard (at most 50 ms of running, then a 5 ms sleep), so
// even with RT throttling disabled (sched_rt_runtime_us = -1) it never
// monopolises a CPU; the kernel default throttle (950000 us per 1 s) is
// reported as extra "rt_runtime_us".
#include <sched.h>

#include <cerrno>
#include <cstring>

#include "sys/sched.hpp"
#include "workload/primitives.hpp"
#include "workload/wakeup.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"
#include "workload/work_types/sched_helpers.hpp"

namespace ktstr::workload {
namespace {

// Takes SCHED_FIFO `priority` for the calling thread; on failure warns
// once and stays in its current (normal) policy. Returns whether RT.
bool enter_fifo(WorkerContext& ctx, int priority, const char* type) {
  ctx.tel->set_extra("rt_runtime_us", static_cast<double>(rt_runtime_us()));
  if (int err = set_self_policy(SCHED_FIFO, priority); err != 0) {
    ctx.tel->warn(fmt::format("{}: SCHED_FIFO {} refused ({}); running in SCHED_OTHER{}", type,
                              priority, std::strerror(err),
                              err == EPERM ? " (needs CAP_SYS_NICE, and RT runtime in the cgroup "
                                             "when RT group scheduling is on)"
                                           : ""));
    ctx.tel->set_extra("rt", 0);
    return false;
  }
  ctx.tel->set_extra("rt", 1);
  return true;
}

void run_rt_starvation(WorkerContext& ctx) {
  const auto rt_workers = static_cast<size_t>(ctx.params->get_int("rt_workers"));
  const auto burst = static_cast<uint64_t>(ctx.params->get_int("burst_iters"));
  const bool rt =
      ctx.pos < rt_workers &&
      enter_fifo(ctx, static_cast<int>(ctx.params->get_int("rt_priority")), "rt_starvation");
  RtRestGuard guard(rt);
  while (!ctx.stopped()) {
    spin(ctx, burst);
    ctx.tel->iteration();
    guard.poll(ctx);
  }
  ctx.tel->set_extra("rt_rests", static_cast<double>(guard.rests()));
}

// Position 0 is the FIFO-1 preempter: a short burst, then a sleep of
// rt_sleep_us, so it wakes ~1 kHz and preempts whichever normal spinner
// holds its CPU. The others spin.
void run_preempt_storm(WorkerContext& ctx) {
  if (ctx.pos != 0) {
    while (!ctx.stopped()) {
      spin(ctx, 1024);
      ctx.tel->iteration();
    }
    return;
  }
  const auto burst = static_cast<uint64_t>(ctx.params->get_int("rt_burst_iters"));
  const uint64_t sleep_len = static_cast<uint64_t>(ctx.params->get_int("rt_sleep_us")) * 1000;
  RtRestGuard guard(enter_fifo(ctx, 1, "preempt_storm"));
  while (!ctx.stopped()) {
    spin(ctx, burst);
    guard.poll(ctx);
    sleep_ns(ctx, sleep_len);
    guard.blocked();
    ctx.tel->iteration();
  }
}

constexpr uint64_t kHighPeriodNs = 1'000'000;

// Drepper's three-state futex mutex: 0 free, 1 locked, 2 locked with
// waiters. lock() returns false only when stopped while waiting.
bool lock_plain(WorkerContext& ctx, std::atomic<uint32_t>* w) {
  uint32_t c = 0;
  if (w->compare_exchange_strong(c, 1, std::memory_order_acquire)) return true;
  if (c != 2) c = w->exchange(2, std::memory_order_acquire);
  while (c != 0) {
    if (ctx.stopped()) return false;
    sys::futex_wait(w, 2, kStopPollNs, !ctx.thread_mode);
    c = w->exchange(2, std::memory_order_acquire);
  }
  return true;
}

void unlock_plain(WorkerContext& ctx, std::atomic<uint32_t>* w) {
  if (w->fetch_sub(1, std::memory_order_release) != 1) {
    w->store(0, std::memory_order_release);
    sys::futex_wake(w, 1, !ctx.thread_mode);
  }
}

// PI lock: the word holds the owner's tid; the kernel boosts the owner to
// the highest waiter's priority while FUTEX_LOCK_PI waits.
bool lock_pi(WorkerContext& ctx, std::atomic<uint32_t>* w, bool& warned) {
  uint32_t zero = 0;
  const auto tid = static_cast<uint32_t>(ctx.tid);
  if (w->compare_exchange_strong(zero, tid, std::memory_order_acquire)) return true;
  while (!ctx.stopped()) {
    if (sys::futex_lock_pi(w, kStopPollNs) == 0) return true;
    if (errno == ETIMEDOUT || errno == EINTR || errno == EAGAIN) continue;
    if (!warned) {
      ctx.tel->warn(
          fmt::format("priority_inversion: FUTEX_LOCK_PI failed: {}", std::strerror(errno)));
      warned = true;
    }
    sleep_ns(ctx, kHighPeriodNs);
  }
  return false;
}

void unlock_pi(WorkerContext& ctx, std::atomic<uint32_t>* w) {
  auto tid = static_cast<uint32_t>(ctx.tid);
  if (!w->compare_exchange_strong(tid, 0, std::memory_order_release)) sys::futex_unlock_pi(w);
}

enum class Tier { kHigh, kMedium, kLow };

struct InversionLock {
  WorkerContext& ctx;
  std::atomic<uint32_t>* word;
  bool pi;
  bool warned = false;
  uint64_t contended = 0;

  bool lock() {
    if (!pi) {
      uint32_t free = 0;
      if (word->load(std::memory_order_relaxed) != free) ++contended;
      return lock_plain(ctx, word);
    }
    if (word->load(std::memory_order_relaxed) != 0) ++contended;
    return lock_pi(ctx, word, warned);
  }
  void unlock() { pi ? unlock_pi(ctx, word) : unlock_plain(ctx, word); }
};

// High: work, take the lock (the wait is the sample), hold, release, sleep
// 1 ms (a periodic high-priority task). Medium: spin, never touching the
// lock: it is what preempts a lock-holding low in plain mode. Low: take
// the lock, hold, release, work.
void run_priority_inversion(WorkerContext& ctx) {
  const auto high = static_cast<size_t>(ctx.params->get_int("high"));
  const auto medium = static_cast<size_t>(ctx.params->get_int("medium"));
  const auto hold = static_cast<uint64_t>(ctx.params->get_int("hold_iters"));
  const auto work = static_cast<uint64_t>(ctx.params->get_int("work_iters"));
  const Tier tier = ctx.pos < high            ? Tier::kHigh
                    : ctx.pos < high + medium ? Tier::kMedium
                                              : Tier::kLow;
  const int prio = tier == Tier::kHigh ? 70 : tier == Tier::kMedium ? 50 : 30;
  ctx.tel->set_extra("tier_priority", prio);
  RtRestGuard guard(enter_fifo(ctx, prio, "priority_inversion"));
  InversionLock lk{ctx, ctx.shared_as<std::atomic<uint32_t>>(),
                   ctx.params->get_str("mode") == "pi"};
  while (!ctx.stopped()) {
    if (tier == Tier::kMedium) {
      spin(ctx, work);
    } else {
      if (tier == Tier::kHigh) spin(ctx, work);
      const uint64_t before = mono_ns();
      if (!lk.lock()) break;
      if (tier == Tier::kHigh) {
        ctx.tel->wake_sample(mono_ns() - before);
        ctx.tel->after_block();
      }
      spin(ctx, hold);
      lk.unlock();
      if (tier == Tier::kHigh) {
        sleep_ns(ctx, kHighPeriodNs);
        guard.blocked();
      } else {
        spin(ctx, work);
      }
    }
    ctx.tel->iteration();
    guard.poll(ctx);
  }
  ctx.tel->set_extra("contended", static_cast<double>(lk.contended));
}

// asymmetric_waker's classes. "cfs" leaves the worker's configured policy
// (SCHED_OTHER unless the config says otherwise).
constexpr int kWakerRtPriority = 10;
constexpr uint64_t kDlRuntimeNs = 200'000, kDlPeriodNs = 1'000'000;

void enter_class(WorkerContext& ctx, const std::string& cls, const char* role) {
  int err = 0;
  if (cls == "batch") err = set_self_policy(SCHED_BATCH, 0);
  if (cls == "idle") err = set_self_policy(SCHED_IDLE, 0);
  if (cls == "rt") err = set_self_policy(SCHED_FIFO, kWakerRtPriority);
  if (cls == "deadline" &&
      sys::sched_setattr(0, sys::kSchedDeadline, 0, 0, kDlRuntimeNs, kDlPeriodNs, kDlPeriodNs) != 0)
    err = errno;
  if (err != 0) {
    ctx.tel->warn(fmt::format(
        "asymmetric_waker: {} class {} refused ({}); running in SCHED_OTHER{}", role, cls,
        std::strerror(err),
        cls == "deadline" ? " (deadline needs CAP_SYS_NICE and an affinity covering the whole "
                            "root domain)"
                          : " (needs CAP_SYS_NICE)"));
  }
  ctx.tel->set_extra("policy", sys::sched_policy_of(0));
}

// Shared by the pair: the waker's generation, the wakee's ack, and the
// waker's CLOCK_MONOTONIC stamp taken just before the wake.
struct WakerShared {
  std::atomic<uint32_t> gen;
  std::atomic<uint32_t> ack;
  std::atomic<uint64_t> stamp_ns;
  std::atomic<int32_t> stamp_cpu;
};

// Waits until *word == want (or stop); false when stopped.
bool wait_until(WorkerContext& ctx, std::atomic<uint32_t>* word, uint32_t want) {
  for (uint32_t cur = word->load(std::memory_order_acquire); cur != want;
       cur = word->load(std::memory_order_acquire)) {
    if (ctx.stopped()) return false;
    sys::futex_wait(word, cur, kStopPollNs, !ctx.thread_mode);
  }
  return true;
}

// Position 0 wakes, position 1 is woken; the wakee's sample is now minus
// the waker's stamp. The wakee spins before it acks and the waker spins
// after the ack, so the wakee is normally asleep in FUTEX_WAIT when the
// next wake comes. One wake is in flight at a time and both sides block
// every round, so neither spins unboundedly in RT.
void run_asymmetric_waker(WorkerContext& ctx) {
  const auto burst = static_cast<uint64_t>(ctx.params->get_int("burst_iters"));
  auto* sh = ctx.shared_as<WakerShared>();
  const bool waker = ctx.pos == 0;
  enter_class(ctx, ctx.params->get_str(waker ? "waker_class" : "wakee_class"),
              waker ? "waker" : "wakee");
  const bool shared = !ctx.thread_mode;
  uint32_t gen = 0;
  while (!ctx.stopped()) {
    if (waker) {
      spin(ctx, burst);
      ++gen;
      const WakerStamp st = stamp_now();
      sh->stamp_cpu.store(st.cpu, std::memory_order_relaxed);
      sh->stamp_ns.store(st.ns, std::memory_order_relaxed);
      sh->gen.store(gen, std::memory_order_release);
      sys::futex_wake(&sh->gen, 1, shared);
      if (!wait_until(ctx, &sh->ack, gen)) break;
      ctx.tel->after_block();
    } else {
      const WaitEnd end = wait_for_wake(ctx, &sh->gen, gen);
      if (end == WaitEnd::kStopped) break;
      const uint64_t stamp = sh->stamp_ns.load(std::memory_order_relaxed);
      if (end == WaitEnd::kWoken) {
        ctx.tel->wakeup_sample(stamp, sh->stamp_cpu.load(std::memory_order_relaxed));
      }
      ctx.tel->wake_sample(mono_ns() - stamp);
      ctx.tel->after_block();
      gen = sh->gen.load(std::memory_order_acquire);
      spin(ctx, burst);
      sh->ack.store(gen, std::memory_order_release);
      sys::futex_wake(&sh->ack, 1, shared);
    }
    ctx.tel->iteration();
  }
}

}  // namespace

void register_rt_work_types(WorkTypeRegistry& reg) {
  const std::string rt_note = " Without CAP_SYS_NICE: warns once, runs in SCHED_OTHER.";
  reg.add({.name = "rt_starvation",
           .family = "rt",
           .summary = "positions < rt_workers take SCHED_FIFO rt_priority, all spin "
                      "burst_iters: reveals RT hogging of normal tasks (FIFO spinners rest 5 ms "
                      "per 50 ms)." +
                      rt_note,
           .params = {{"rt_workers", ParamKind::kInt, "1", "FIFO spinners per unit", 1, 1024},
                      {"cfs_workers", ParamKind::kInt, "1", "normal spinners per unit", 0, 1024},
                      {"rt_priority", ParamKind::kInt, "50", "SCHED_FIFO priority", 1, 99},
                      {"burst_iters", ParamKind::kInt, "1024", "spin per iteration", 1, 1LL << 32}},
           .group_size = [](const ParamValues& p) -> size_t {
             return static_cast<size_t>(p.get_int("rt_workers") + p.get_int("cfs_workers"));
           },
           .needs = {"cap_sys_nice"},
           .run = run_rt_starvation});
  reg.add({.name = "preempt_storm",
           .family = "rt",
           .summary = "position 0 is SCHED_FIFO 1: spin rt_burst_iters, sleep rt_sleep_us "
                      "(~1 kHz preemptions); the cfs_workers others spin." +
                      rt_note,
           .params = {{"cfs_workers", ParamKind::kInt, "2", "normal spinners per unit", 1, 1024},
                      {"rt_burst_iters", ParamKind::kInt, "1024", "FIFO burst", 1, 1LL << 32},
                      {"rt_sleep_us", ParamKind::kInt, "1000", "FIFO sleep", 1, 10'000'000}},
           .group_size = [](const ParamValues& p) -> size_t {
             return static_cast<size_t>(p.get_int("cfs_workers") + 1);
           },
           .needs = {"cap_sys_nice"},
           .run = run_preempt_storm});
  reg.add({.name = "priority_inversion",
           .family = "rt",
           .summary = "FIFO 70/50/30 tiers: high (work, lock, hold, unlock, sleep 1 ms) and low "
                      "(lock, hold, unlock, work) share a plain futex lock or a PI futex "
                      "(mode=pi), medium spins; samples high's lock waits." +
                      rt_note,
           .params = {{"high", ParamKind::kInt, "1", "FIFO 70 workers per unit", 1, 64},
                      {"medium", ParamKind::kInt, "1", "FIFO 50 spinners per unit", 0, 64},
                      {"low", ParamKind::kInt, "1", "FIFO 30 workers per unit", 1, 64},
                      {"hold_iters", ParamKind::kInt, "4096", "spin while holding", 1, 1LL << 32},
                      {"work_iters", ParamKind::kInt, "1024", "spin outside", 1, 1LL << 32},
                      {"mode", ParamKind::kChoice, "plain", "lock kind", 0, 0, {"plain", "pi"}}},
           .samples = "wake",
           .group_size = [](const ParamValues& p) -> size_t {
             return static_cast<size_t>(p.get_int("high") + p.get_int("medium") + p.get_int("low"));
           },
           .shared_bytes = [](const ParamValues&) -> size_t { return 4; },
           .needs = {"cap_sys_nice"},
           .run = run_priority_inversion});
  const std::vector<std::string> classes = {"cfs", "batch", "idle", "rt", "deadline"};
  reg.add({.name = "asymmetric_waker",
           .family = "rt",
           .summary = "pairs: the waker (waker_class) spins burst_iters, stamps the clock and "
                      "futex-wakes the wakee (wakee_class), which spins and acks; samples "
                      "wakee's now - stamp. rt = FIFO 10, deadline = 200us/1ms/1ms; a class "
                      "that cannot be set is warned and runs SCHED_OTHER",
           .params = {{"waker_class", ParamKind::kChoice, "cfs", "waker's class", 0, 0, classes},
                      {"wakee_class", ParamKind::kChoice, "cfs", "wakee's class", 0, 0, classes},
                      {"burst_iters", ParamKind::kInt, "1024", "spin per round", 1, 1LL << 32}},
           .samples = "wake+wakeup",
           .group_size = [](const ParamValues&) -> size_t { return 2; },
           .shared_bytes = [](const ParamValues&) -> size_t { return sizeof(WakerShared); },
           .needs = {"cap_sys_nice"},
           .run = run_asymmetric_waker});
}

}  // namespace ktstr::workload
