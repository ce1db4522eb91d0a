// Futex families: paired handoffs through a shared futex word.
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

// The pair shares one 32-bit word holding the position (0 or 1) whose turn
// it is. A worker spins, hands the turn over, wakes its partner and blocks
// until the turn comes back; the block time is the wake sample.
void run_futex_ping_pong(WorkerContext& ctx) {
  const auto spin_iters = static_cast<uint64_t>(ctx.params->get_int("spin_iters"));
  auto* turn = ctx.shared_as<std::atomic<uint32_t>>();
  const auto me = static_cast<uint32_t>(ctx.pos);
  const uint32_t partner = me ^ 1U;
  const bool shared = !ctx.thread_mode;
  while (!ctx.stopped()) {
    if (turn->load(std::memory_order_acquire) != me) {
      const uint64_t before = mono_ns();
      if (!wait_for_change(ctx, turn, partner)) break;
      ctx.tel->wake_sample(mono_ns() - before);
      ctx.tel->after_block();
    }
    if (spin_iters > 0)
      spin(ctx, spin_iters);
    else
      ctx.tel->add_units(1);
    turn->store(partner, std::memory_order_release);
    sys::futex_wake(turn, 1, shared);
    ctx.tel->iteration();
  }
}

}  // namespace

void register_futex_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "futex_ping_pong",
           .family = "futex",
           .summary = "pairs hand a futex word back and forth: wake latency of a 1:1 handoff",
           .params = {{"spin_iters", ParamKind::kInt, "1024", "spin work before each handoff"}},
           .samples = "wake",
           .group_size = [](const ParamValues&) -> size_t { return 2; },
           .shared_bytes = [](const ParamValues&) -> size_t { return 4; },
           .run = run_futex_ping_pong});
}

}  // namespace ktstr::workload
