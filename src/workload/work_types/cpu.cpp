// CPU-bound families: pure spinning, yielding, and burst/sleep cycles.
#include <sched.h>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

void run_spin_wait(WorkerContext& ctx) {
  while (!ctx.stopped()) {
    spin(ctx, 1024);
    ctx.tel->iteration();
  }
}

void run_yield_heavy(WorkerContext& ctx) {
  while (!ctx.stopped()) {
    ctx.tel->add_units(1);
    sched_yield();
    ctx.tel->iteration();
  }
}

void run_mixed(WorkerContext& ctx) {
  while (!ctx.stopped()) {
    spin(ctx, 1024);
    sched_yield();
    ctx.tel->iteration();
  }
}

void run_bursty(WorkerContext& ctx) {
  const uint64_t burst_ns = ctx.params->get_ns("burst");
  const uint64_t sleep_len_ns = ctx.params->get_ns("sleep");
  while (!ctx.stopped()) {
    const uint64_t burst_end = mono_ns() + burst_ns;
    // spin(64) is ~1.5 us here (PAUSE is slow on current x86): bursts end
    // within that of `burst` (spin(256) overshot a 1 us burst sixfold).
    while (mono_ns() < burst_end && !ctx.stopped()) spin(ctx, 64);
    const uint64_t before = mono_ns();
    sleep_ns(ctx, sleep_len_ns);
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->iteration();
  }
}

}  // namespace

void register_cpu_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "spin_wait",
           .family = "cpu",
           .summary = "spin(1024) forever: pure CPU demand, never blocks",
           .run = run_spin_wait});
  reg.add({.name = "yield_heavy",
           .family = "cpu",
           .summary = "one work unit then sched_yield: stresses the yield path",
           .run = run_yield_heavy});
  reg.add({.name = "mixed",
           .family = "cpu",
           .summary = "spin(1024) then sched_yield",
           .run = run_mixed});
  reg.add({.name = "bursty",
           .family = "cpu",
           .summary = "spin for `burst`, sleep for `sleep`: periodic wakeups",
           .params = {{"burst", ParamKind::kDuration, "50ms", "length of each CPU burst", 1},
                      {"sleep", ParamKind::kDuration, "100ms", "sleep between bursts", 1}},
           .samples = "wake",
           .run = run_bursty});
}

}  // namespace ktstr::workload
