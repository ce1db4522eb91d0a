// Futex families: paired handoffs, broadcast fan-outs, a contended lock and
// a thundering herd, all built on futex words in the unit's shared memory.
// The bounded producer/consumer ring lives in futex_queue.cpp.
#include <climits>
#include <cmath>
#include <vector>

#include "workload/primitives.hpp"
#include "workload/wakeup.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"
#include "workload/work_types/futex_queue.hpp"

namespace ktstr::workload {
namespace {

// After each broadcast the messenger spins briefly so receivers get a window
// to run before the next wake arrives (and the messenger still counts work).
constexpr uint64_t kPostWakeSpinIters = 256;

// Shared state of the broadcast types (futex_fan_out, fan_out_compute,
// thundering_herd): the waker stamps the time and its CPU, then bumps the
// generation.
struct Broadcast {
  std::atomic<uint32_t> generation;
  std::atomic<uint32_t> acks;  // fan_out_compute: workers done with this round
  std::atomic<uint64_t> stamp_ns;
  std::atomic<int32_t> stamp_cpu;
};
static_assert(sizeof(Broadcast) == 24);

void spin_or_unit(WorkerContext& ctx, uint64_t n) {
  if (n > 0)
    spin(ctx, n);
  else
    ctx.tel->add_units(1);
}

void broadcast(WorkerContext& ctx, Broadcast* b) {
  const WakerStamp st = stamp_now();
  b->stamp_cpu.store(st.cpu, std::memory_order_relaxed);
  b->stamp_ns.store(st.ns, std::memory_order_relaxed);
  b->generation.fetch_add(1, std::memory_order_release);
  sys::futex_wake(&b->generation, INT_MAX, !ctx.thread_mode);
}

// Waits for the next generation after `seen` and records now − the waker's
// stamp (the broadcast types' "wake" sample predates the wakeup sample and
// measures the same thing, also when no wait slept); a wait that slept and
// was woken is also a wakeup sample. Returns false on stop.
bool await_broadcast(WorkerContext& ctx, Broadcast* b, uint32_t& seen) {
  const WaitEnd end = wait_for_wake(ctx, &b->generation, seen);
  if (end == WaitEnd::kStopped) return false;
  seen = b->generation.load(std::memory_order_acquire);
  const uint64_t stamp = b->stamp_ns.load(std::memory_order_relaxed);
  const int cpu = b->stamp_cpu.load(std::memory_order_relaxed);
  const uint64_t now = mono_ns();
  if (end == WaitEnd::kWoken)
    ctx.tel->record_wakeup(now > stamp ? now - stamp : 0, cpu, current_cpu());
  if (now >= stamp) ctx.tel->wake_sample(now - stamp);
  ctx.tel->after_block();
  return true;
}

// The pair's shared word: the position (0 or 1) whose turn it is, and the
// stamp the waker wrote before handing the turn over (read only by the
// side the turn went to, before it hands it back: no race).
struct PingPong {
  std::atomic<uint32_t> turn;
  uint32_t pad;
  WakerStamp stamp;
};
static_assert(sizeof(PingPong) == 24);

// A worker spins, stamps, hands the turn over, wakes its partner and blocks
// until the turn comes back. Two samples: the block time (the "wake"
// reservoir: includes the partner's spin) and, when the wait slept and was
// woken, the wakeup latency from the partner's stamp.
void run_futex_ping_pong(WorkerContext& ctx) {
  const auto spin_iters = static_cast<uint64_t>(ctx.params->get_int("spin_iters"));
  auto* pp = ctx.shared_as<PingPong>();
  const auto me = static_cast<uint32_t>(ctx.pos);
  const uint32_t partner = me ^ 1U;
  const bool shared = !ctx.thread_mode;
  while (!ctx.stopped()) {
    if (pp->turn.load(std::memory_order_acquire) != me) {
      const uint64_t before = mono_ns();
      const WaitEnd end = wait_for_wake(ctx, &pp->turn, partner);
      if (end == WaitEnd::kStopped) break;
      if (end == WaitEnd::kWoken) ctx.tel->wakeup_sample(pp->stamp.ns, pp->stamp.cpu);
      ctx.tel->wake_sample(mono_ns() - before);
      ctx.tel->after_block();
    }
    spin_or_unit(ctx, spin_iters);
    pp->stamp = stamp_now();
    pp->turn.store(partner, std::memory_order_release);
    sys::futex_wake(&pp->turn, 1, shared);
    ctx.tel->iteration();
  }
}

// Position 0 is the messenger: it never waits for receivers, so a slow
// receiver skips generations instead of stalling the broadcast.
void run_futex_fan_out(WorkerContext& ctx) {
  const auto spin_iters = static_cast<uint64_t>(ctx.params->get_int("spin_iters"));
  auto* b = ctx.shared_as<Broadcast>();
  if (ctx.pos == 0) {
    ctx.tel->set_messenger();
    while (!ctx.stopped()) {
      spin_or_unit(ctx, spin_iters);
      broadcast(ctx, b);
      spin(ctx, kPostWakeSpinIters);
      ctx.tel->iteration();
    }
    return;
  }
  uint32_t seen = 0;  // the zeroed start value: a broadcast before we got here counts
  while (!ctx.stopped()) {
    if (!await_broadcast(ctx, b, seen)) break;
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
}

// Three n×n double matrices whose total size is about the footprint.
class MatrixWork {
 public:
  explicit MatrixWork(uint64_t footprint_bytes)
      : n_(std::max<size_t>(
            2, static_cast<size_t>(std::sqrt(static_cast<double>(footprint_bytes) / 24.0)))),
        a_(n_ * n_),
        b_(n_ * n_),
        c_(n_ * n_) {
    for (size_t i = 0; i < a_.size(); ++i) {
      a_[i] = 1.0 + static_cast<double>(i % 7) * 1e-3;
      b_[i] = 1.0 - static_cast<double>(i % 5) * 1e-3;
    }
  }
  // c = a·b in i-k-j order; one work unit per multiply-add. Checks the stop
  // flag per row so a huge footprint cannot delay shutdown.
  bool multiply(WorkerContext& ctx) {
    for (size_t i = 0; i < n_; ++i) {
      if (ctx.stopped()) return false;
      double* crow = &c_[i * n_];
      std::fill(crow, crow + n_, 0.0);
      for (size_t k = 0; k < n_; ++k) {
        const double aik = a_[i * n_ + k];
        const double* brow = &b_[k * n_];
        for (size_t j = 0; j < n_; ++j) crow[j] += aik * brow[j];
      }
      asm volatile("" : : "r"(crow) : "memory");
      ctx.tel->add_units(n_ * n_);
    }
    return true;
  }

 private:
  size_t n_;
  std::vector<double> a_, b_, c_;
};

// The messenger opens a round (stamp, bump, wake all) and waits until every
// worker acknowledged it, so each round measures a wake of blocked workers.
void fan_out_compute_messenger(WorkerContext& ctx, Broadcast* b, uint32_t fan_out) {
  ctx.tel->set_messenger();
  while (!ctx.stopped()) {
    b->acks.store(0, std::memory_order_relaxed);
    broadcast(ctx, b);
    for (uint32_t a; (a = b->acks.load(std::memory_order_acquire)) < fan_out;) {
      if (ctx.stopped()) return;
      sys::futex_wait(&b->acks, a, kStopPollNs, !ctx.thread_mode);
    }
    ctx.tel->after_block();
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
}

void run_fan_out_compute(WorkerContext& ctx) {
  auto* b = ctx.shared_as<Broadcast>();
  const auto fan_out = static_cast<uint32_t>(ctx.params->get_int("fan_out"));
  if (ctx.pos == 0) return fan_out_compute_messenger(ctx, b, fan_out);
  const auto operations = ctx.params->get_int("operations");
  const uint64_t sleep_ns_each = static_cast<uint64_t>(ctx.params->get_int("sleep_us")) * 1000;
  MatrixWork work(static_cast<uint64_t>(ctx.params->get_int("footprint_kib")) * 1024);
  uint32_t seen = 0;  // the zeroed start value: a broadcast before we got here counts
  while (!ctx.stopped()) {
    if (!await_broadcast(ctx, b, seen)) break;
    sleep_ns(ctx, sleep_ns_each);
    for (int64_t op = 0; op < operations; ++op) {
      if (!work.multiply(ctx)) break;
    }
    if (b->acks.fetch_add(1, std::memory_order_acq_rel) + 1 == fan_out) {
      sys::futex_wake(&b->acks, 1, !ctx.thread_mode);
    }
    ctx.tel->iteration();
  }
}

// 0 = free, 1 = held, 2 = held with possible waiters (the classic
// three-state futex mutex). The counter is bumped non-atomically under the
// lock: if mutual exclusion failed, increments would be lost and the
// per-worker hold counts would no longer add up to it.
struct ContendedLock {
  std::atomic<uint32_t> word;
  uint32_t pad;
  std::atomic<uint64_t> holds;
};
static_assert(sizeof(ContendedLock) == 16);

// Returns false on stop (lock not taken). `contended` tells whether it waited.
bool lock_contended(WorkerContext& ctx, ContendedLock* l, bool& contended) {
  uint32_t c = 0;
  contended = false;
  if (l->word.compare_exchange_strong(c, 1, std::memory_order_acquire)) return true;
  contended = true;
  if (c != 2) c = l->word.exchange(2, std::memory_order_acquire);
  while (c != 0) {
    if (ctx.stopped()) return false;
    sys::futex_wait(&l->word, 2, kStopPollNs, !ctx.thread_mode);
    c = l->word.exchange(2, std::memory_order_acquire);
  }
  return true;
}

void unlock_contended(WorkerContext& ctx, ContendedLock* l) {
  if (l->word.exchange(0, std::memory_order_release) == 2) {
    sys::futex_wake(&l->word, 1, !ctx.thread_mode);
  }
}

void run_mutex_contention(WorkerContext& ctx) {
  const auto hold_iters = static_cast<uint64_t>(ctx.params->get_int("hold_iters"));
  const auto work_iters = static_cast<uint64_t>(ctx.params->get_int("work_iters"));
  auto* l = ctx.shared_as<ContendedLock>();
  uint64_t holds = 0, contended_waits = 0;
  while (!ctx.stopped()) {
    spin(ctx, work_iters);
    const uint64_t before = mono_ns();
    bool contended = false;
    if (!lock_contended(ctx, l, contended)) break;
    if (contended) {
      ctx.tel->wake_sample(mono_ns() - before);
      ctx.tel->after_block();
      ++contended_waits;
    }
    l->holds.store(l->holds.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    ++holds;
    spin(ctx, hold_iters);
    unlock_contended(ctx, l);
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("lock_holds", static_cast<double>(holds));
  ctx.tel->set_extra("contended_waits", static_cast<double>(contended_waits));
  // The last worker of the unit to leave sees the final count.
  ctx.tel->set_extra("unit_holds_at_exit",
                     static_cast<double>(l->holds.load(std::memory_order_acquire)));
}

// Position 0 wakes every waiter once per batch, `inter_batch_ms` apart; after
// `batches` it idles. Its samples are the sleep lengths, the waiters' are
// now − its stamp.
void thundering_herd_waker(WorkerContext& ctx, Broadcast* b) {
  const auto batches = ctx.params->get_int("batches");
  const uint64_t gap_ns = static_cast<uint64_t>(ctx.params->get_int("inter_batch_ms")) * 1000000;
  int64_t done = 0;
  while (!ctx.stopped() && done < batches) {
    const uint64_t before = mono_ns();
    sleep_ns(ctx, gap_ns);
    if (ctx.stopped()) break;
    ctx.tel->wake_sample(mono_ns() - before);
    broadcast(ctx, b);
    ++done;
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("batches", static_cast<double>(done));
  while (!ctx.stopped()) sleep_ns(ctx, kStopPollNs);
}

void run_thundering_herd(WorkerContext& ctx) {
  auto* b = ctx.shared_as<Broadcast>();
  if (ctx.pos == 0) return thundering_herd_waker(ctx, b);
  uint32_t seen = 0;  // the zeroed start value: a broadcast before we got here counts
  uint64_t wakeups = 0;
  while (!ctx.stopped()) {
    if (!await_broadcast(ctx, b, seen)) break;
    ++wakeups;
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("wakeups", static_cast<double>(wakeups));
  // Batches this waiter knows of; a wakeup may cover several batches when
  // the waiter ran too late to see each one.
  ctx.tel->set_extra("last_generation", static_cast<double>(seen));
}

size_t param_size(const ParamValues& p, const char* name) {
  return static_cast<size_t>(p.get_int(name));
}

}  // namespace

void register_futex_work_types(WorkTypeRegistry& reg) {
  auto pair = [](const ParamValues&) -> size_t { return 2; };
  auto fan_out_group = [](const ParamValues& p) { return param_size(p, "fan_out") + 1; };
  auto broadcast_bytes = [](const ParamValues&) -> size_t { return sizeof(Broadcast); };
  reg.add({.name = "futex_ping_pong",
           .family = "futex",
           .summary = "pairs hand a futex word back and forth: wake latency of a 1:1 handoff",
           .params = {{"spin_iters", ParamKind::kInt, "1024", "spin work before each handoff"}},
           .samples = "wake+wakeup",
           .group_size = pair,
           .shared_bytes = [](const ParamValues&) -> size_t { return sizeof(PingPong); },
           .run = run_futex_ping_pong});
  reg.add({.name = "futex_fan_out",
           .family = "futex",
           .summary = "one messenger bumps a generation and wakes fan_out receivers: 1:N wakeups",
           .params = {{"fan_out", ParamKind::kInt, "4", "receivers per messenger", 1, 1024},
                      {"spin_iters", ParamKind::kInt, "1024", "messenger work per broadcast"}},
           .samples = "wake+wakeup",
           .group_size = fan_out_group,
           .shared_bytes = broadcast_bytes,
           .run = run_futex_fan_out});
  reg.add({.name = "fan_out_compute",
           .family = "futex",
           .summary = "messenger wakes fan_out workers per round; each sleeps then multiplies "
                      "matrices sized to footprint_kib",
           .params = {{"fan_out", ParamKind::kInt, "4", "workers per messenger", 1, 1024},
                      {"footprint_kib", ParamKind::kInt, "256",
                       "bytes of the three matrices each worker multiplies", 1, 65536},
                      {"operations", ParamKind::kInt, "5", "matrix multiplies per round", 1},
                      {"sleep_us", ParamKind::kInt, "100", "sleep after waking, before compute", 1,
                       10000000}},
           .samples = "wake+wakeup",
           .group_size = fan_out_group,
           .shared_bytes = broadcast_bytes,
           .run = run_fan_out_compute});
  reg.add({.name = "mutex_contention",
           .family = "futex",
           .summary = "contenders share a CAS+futex lock: contended waits and lock handoff",
           .params = {{"contenders", ParamKind::kInt, "4", "workers sharing one lock", 2, 1024},
                      {"hold_iters", ParamKind::kInt, "256", "spin while holding the lock", 1},
                      {"work_iters", ParamKind::kInt, "1024", "spin between acquisitions", 1}},
           .samples = "wake",
           .group_size = [](const ParamValues& p) { return param_size(p, "contenders"); },
           .shared_bytes = [](const ParamValues&) -> size_t { return sizeof(ContendedLock); },
           .run = run_mutex_contention});
  reg.add(
      {.name = "thundering_herd",
       .family = "futex",
       .summary = "a waker wakes all waiters at once every inter_batch_ms, `batches` times",
       .params = {{"waiters", ParamKind::kInt, "7", "workers woken per batch", 1, 1024},
                  {"batches", ParamKind::kInt, "1000", "broadcasts before the waker idles", 1},
                  {"inter_batch_ms", ParamKind::kInt, "5", "sleep between broadcasts", 1, 60000}},
       .samples = "wake+wakeup",
       .group_size = [](const ParamValues& p) { return param_size(p, "waiters") + 1; },
       .shared_bytes = broadcast_bytes,
       .run = run_thundering_herd});
  register_producer_consumer_work_type(reg);
}

}  // namespace ktstr::workload
