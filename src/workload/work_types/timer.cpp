// Timer families: short burst/sleep cycles that drive idle entry and exit,
// and a cyclictest-style periodic timer whose lateness is the sample.
#include <sys/prctl.h>
#include <time.h>

#include <cerrno>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

// The slack precise_timing asks for (the kernel's default is 50us for
// normal tasks, which would dominate a sub-millisecond overshoot).
constexpr unsigned long kPreciseSlackNs = 1;

// Sleeps until the absolute CLOCK_MONOTONIC `deadline_ns` or a stop
// request, whichever comes first; each clock_nanosleep is bounded by
// kStopPollNs. Returns false when stopped before the deadline.
bool sleep_until(WorkerContext& ctx, uint64_t deadline_ns) {
  for (;;) {
    if (ctx.stopped()) return false;
    const uint64_t now = mono_ns();
    if (now >= deadline_ns) return true;
    const uint64_t target = deadline_ns - now > kStopPollNs ? now + kStopPollNs : deadline_ns;
    const timespec ts = ns_to_timespec(target);
    // EINTR (the fork-mode stop signal) just loops back to the stop check.
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
  }
}

// Per-thread timer slack (prctl acts on the calling thread), so this is
// safe in thread mode; the old value is restored on scope exit.
class TimerSlackGuard {
 public:
  explicit TimerSlackGuard(bool enable) {
    if (!enable) return;
    const int old = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    if (old <= 0) return;
    if (prctl(PR_SET_TIMERSLACK, kPreciseSlackNs, 0, 0, 0) == 0) {
      old_slack_ns_ = static_cast<unsigned long>(old);
    }
  }
  ~TimerSlackGuard() {
    if (old_slack_ns_ != 0) prctl(PR_SET_TIMERSLACK, old_slack_ns_, 0, 0, 0);
  }
  TimerSlackGuard(const TimerSlackGuard&) = delete;
  TimerSlackGuard& operator=(const TimerSlackGuard&) = delete;
  bool active() const { return old_slack_ns_ != 0; }

 private:
  unsigned long old_slack_ns_ = 0;
};

// Spin for `burst`, then sleep for `sleep`: with a short sleep the CPU
// enters and leaves idle every cycle. The sample is how much longer the
// sleep took than asked (timer slack + wakeup + scheduling delay).
void run_idle_churn(WorkerContext& ctx) {
  const uint64_t burst_ns = ctx.params->get_ns("burst");
  const uint64_t sleep_len_ns = ctx.params->get_ns("sleep");
  TimerSlackGuard slack(ctx.params->get_bool("precise_timing"));
  if (ctx.params->get_bool("precise_timing") && !slack.active()) {
    ctx.tel->warn(
        "idle_churn: precise_timing: could not lower the timer slack; sleeps keep "
        "the default slack");
  }
  uint64_t overshoot_sum_ns = 0;
  uint64_t cycles = 0;
  while (!ctx.stopped()) {
    const uint64_t burst_end = mono_ns() + burst_ns;
    while (mono_ns() < burst_end && !ctx.stopped()) spin(ctx, 64);
    const uint64_t before = mono_ns();
    if (!sleep_until(ctx, before + sleep_len_ns)) break;
    const uint64_t elapsed = mono_ns() - before;
    const uint64_t overshoot = elapsed > sleep_len_ns ? elapsed - sleep_len_ns : 0;
    ctx.tel->after_block();
    ctx.tel->wake_sample(overshoot);
    overshoot_sum_ns += overshoot;
    ++cycles;
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("cycles", static_cast<double>(cycles));
  if (cycles > 0) {
    ctx.tel->set_extra("mean_overshoot_us",
                       static_cast<double>(overshoot_sum_ns) / static_cast<double>(cycles) / 1e3);
  }
}

// cyclictest's measurement: sleep to an absolute deadline on
// CLOCK_MONOTONIC, sample how late the wakeup was, advance the deadline by
// one interval. After a stall longer than an interval the missed deadlines
// are skipped (counted, not replayed as a burst of zero-sleep wakeups).
void run_timer_latency(WorkerContext& ctx) {
  const auto interval_ns = static_cast<uint64_t>(ctx.params->get_int("interval_us")) * 1000;
  uint64_t deadline = mono_ns() + interval_ns;
  uint64_t missed = 0;
  uint64_t max_late_ns = 0;
  while (!ctx.stopped()) {
    if (!sleep_until(ctx, deadline)) break;
    const uint64_t woke = mono_ns();
    const uint64_t late = woke - deadline;
    ctx.tel->after_block();
    ctx.tel->wake_sample(late);
    ctx.tel->add_units(1);
    ctx.tel->iteration();
    if (late > max_late_ns) max_late_ns = late;
    deadline += interval_ns;
    if (deadline <= woke) {
      const uint64_t skip = (woke - deadline) / interval_ns + 1;
      missed += skip;
      deadline += skip * interval_ns;
    }
  }
  ctx.tel->set_extra("missed_deadlines", static_cast<double>(missed));
  ctx.tel->set_extra("max_late_us", static_cast<double>(max_late_ns) / 1e3);
}

}  // namespace

void register_timer_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "idle_churn",
           .family = "timer",
           .summary = "spin `burst`, sleep `sleep` (short both): drives idle entry/exit; samples "
                      "sleep overshoot",
           .params = {{"burst", ParamKind::kDuration, "1ms", "CPU burst per cycle (> 0)", 1},
                      {"sleep", ParamKind::kDuration, "5ms", "sleep per cycle (> 0)", 1},
                      {"precise_timing", ParamKind::kBool, "false",
                       "lower this thread's timer slack to 1ns so the overshoot is wakeup "
                       "latency, not slack"}},
           .samples = "wake",
           .run = run_idle_churn});
  reg.add({.name = "timer_latency",
           .family = "timer",
           .summary = "cyclictest-style absolute-deadline clock_nanosleep; samples wake − deadline",
           .params = {{"interval_us", ParamKind::kInt, "1000", "timer period in microseconds", 1,
                       10'000'000}},
           .samples = "wake",
           .run = run_timer_latency});
}

}  // namespace ktstr::workload
