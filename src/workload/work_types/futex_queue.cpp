// producer_consumer_imbalance: paced producers and spinning consumers share
// a bounded lock-free MPMC ring in the unit's shared memory and block on
// futex words when it is full or empty.
//
// Layout (32 + 8·queue_depth bytes):
//   0  head       u64  next position producers claim
//   8  tail       u64  next position consumers claim
//   16 items_seq  u32  bumped after every push; consumers wait on it
//   20 space_seq  u32  bumped after every pop; producers wait on it
//   24 waiters    u32  low 16 bits: consumers asleep, high 16: producers
//   28 exited     u32  workers that left the loop (the last one reports
//                      what is still queued)
//   32 slots      u64 × Q
//
// Each slot holds its state for position p (lap = p / Q): 2·lap means
// "empty, producer p may fill it", 2·lap + 1 means "full, consumer p may
// take it". Zeroed memory is therefore an empty ring. Claiming a position is
// a CAS on head/tail; the slot store that follows publishes the item (or the
// free slot) to the other side.
#include <climits>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/futex_queue.hpp"

namespace ktstr::workload {
namespace {

constexpr size_t kRingHeaderBytes = 32;
constexpr uint32_t kConsumerWaiter = 1;
constexpr uint32_t kProducerWaiter = 1U << 16;

struct RingHeader {
  std::atomic<uint64_t> head;
  std::atomic<uint64_t> tail;
  std::atomic<uint32_t> items_seq;
  std::atomic<uint32_t> space_seq;
  std::atomic<uint32_t> waiters;
  std::atomic<uint32_t> exited;
};
static_assert(sizeof(RingHeader) == kRingHeaderBytes);

class Ring {
 public:
  explicit Ring(WorkerContext& ctx)
      : hdr_(ctx.shared_as<RingHeader>()),
        slots_(ctx.shared_as<std::atomic<uint64_t>>(kRingHeaderBytes)),
        depth_(static_cast<uint64_t>(ctx.params->get_int("queue_depth"))),
        shared_(!ctx.thread_mode) {}

  bool try_push() {
    uint64_t pos = hdr_->head.load(std::memory_order_relaxed);
    for (;;) {
      auto& slot = slots_[pos % depth_];
      const uint64_t want = 2 * (pos / depth_);
      const auto d = static_cast<int64_t>(slot.load(std::memory_order_acquire) - want);
      if (d < 0) return false;  // still holds last lap's item: full
      if (d > 0) {
        pos = hdr_->head.load(std::memory_order_relaxed);  // someone took pos
      } else if (hdr_->head.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        slot.store(want + 1, std::memory_order_release);
        hdr_->items_seq.fetch_add(1);
        if ((hdr_->waiters.load() & 0xffffU) != 0) sys::futex_wake(&hdr_->items_seq, 1, shared_);
        return true;
      }
    }
  }

  bool try_pop() {
    uint64_t pos = hdr_->tail.load(std::memory_order_relaxed);
    for (;;) {
      auto& slot = slots_[pos % depth_];
      const uint64_t want = 2 * (pos / depth_) + 1;
      const auto d = static_cast<int64_t>(slot.load(std::memory_order_acquire) - want);
      if (d < 0) return false;  // not filled yet: empty
      if (d > 0) {
        pos = hdr_->tail.load(std::memory_order_relaxed);
      } else if (hdr_->tail.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        slot.store(want + 1, std::memory_order_release);  // empty for the next lap
        hdr_->space_seq.fetch_add(1);
        if ((hdr_->waiters.load() >> 16) != 0) sys::futex_wake(&hdr_->space_seq, 1, shared_);
        return true;
      }
    }
  }

  // Retries `attempt` until it succeeds, sleeping on `seq` in between. The
  // waiter count is raised before the sequence is read, so a peer that
  // changes the ring after our failed attempt either changes `seq` (the wait
  // returns at once) or sees us in `waiters` and wakes us. Returns false on
  // stop; records the blocked time as a wake sample.
  template <class Attempt>
  bool wait_until(WorkerContext& ctx, std::atomic<uint32_t>* seq, uint32_t waiter_unit,
                  Attempt attempt) {
    if (attempt()) return true;
    const uint64_t before = mono_ns();
    bool ok = false;
    while (!ok && !ctx.stopped()) {
      hdr_->waiters.fetch_add(waiter_unit);
      const uint32_t s = seq->load();
      ok = attempt();
      if (!ok) sys::futex_wait(seq, s, kStopPollNs, shared_);
      hdr_->waiters.fetch_sub(waiter_unit);
    }
    if (ok) ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->after_block();
    return ok;
  }

  bool push(WorkerContext& ctx) {
    return wait_until(ctx, &hdr_->space_seq, kProducerWaiter, [this] { return try_push(); });
  }
  bool pop(WorkerContext& ctx) {
    return wait_until(ctx, &hdr_->items_seq, kConsumerWaiter, [this] { return try_pop(); });
  }

  // Items still in the ring once the whole unit has left its loop (every
  // claimed position was completed before its worker left); 0 for the others.
  uint64_t leave(size_t unit_size) {
    if (hdr_->exited.fetch_add(1) + 1 != unit_size) return 0;
    return hdr_->head.load() - hdr_->tail.load();
  }

 private:
  RingHeader* hdr_;
  std::atomic<uint64_t>* slots_;
  uint64_t depth_;
  bool shared_;
};

// One item per period at rate_hz; after falling more than a few periods
// behind, the schedule restarts from now instead of bursting to catch up.
uint64_t produce(WorkerContext& ctx, Ring& ring) {
  const uint64_t period_ns = 1000000000ULL / static_cast<uint64_t>(ctx.params->get_int("rate_hz"));
  uint64_t produced = 0;
  uint64_t next = mono_ns();
  while (!ctx.stopped()) {
    const uint64_t now = mono_ns();
    if (next > now) {
      sleep_ns(ctx, next - now);
      if (ctx.stopped()) break;
    } else if (now - next > 8 * period_ns) {
      next = now;
    }
    next += period_ns;
    if (!ring.push(ctx)) break;
    ++produced;
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  return produced;
}

uint64_t consume(WorkerContext& ctx, Ring& ring) {
  const auto consume_iters = static_cast<uint64_t>(ctx.params->get_int("consume_iters"));
  uint64_t consumed = 0;
  while (!ctx.stopped()) {
    if (!ring.pop(ctx)) break;
    ++consumed;
    spin(ctx, consume_iters);
    ctx.tel->iteration();
  }
  return consumed;
}

void run_producer_consumer(WorkerContext& ctx) {
  Ring ring(ctx);
  const bool producer = ctx.pos < static_cast<size_t>(ctx.params->get_int("producers"));
  const uint64_t produced = producer ? produce(ctx, ring) : 0;
  const uint64_t consumed = producer ? 0 : consume(ctx, ring);
  ctx.tel->set_extra("produced", static_cast<double>(produced));
  ctx.tel->set_extra("consumed", static_cast<double>(consumed));
  ctx.tel->set_extra("queued", static_cast<double>(ring.leave(ctx.unit_size)));
}

size_t int_param(const ParamValues& p, const char* name) {
  return static_cast<size_t>(p.get_int(name));
}

}  // namespace

void register_producer_consumer_work_type(WorkTypeRegistry& reg) {
  reg.add(
      {.name = "producer_consumer_imbalance",
       .family = "futex",
       .summary = "paced producers feed spinning consumers through a bounded MPMC ring with "
                  "futex waits on full/empty; extra: produced, consumed, queued",
       .params = {{"producers", ParamKind::kInt, "2", "producer workers per unit", 1, 1024},
                  {"consumers", ParamKind::kInt, "1", "consumer workers per unit", 1, 1024},
                  {"rate_hz", ParamKind::kInt, "1000", "items per second per producer", 1,
                   1000000000},
                  {"consume_iters", ParamKind::kInt, "4096", "spin per consumed item", 1},
                  {"queue_depth", ParamKind::kInt, "1024", "ring capacity in items", 1, 1 << 24}},
       .samples = "wake",
       .group_size =
           [](const ParamValues& p) {
             return int_param(p, "producers") + int_param(p, "consumers");
           },
       .shared_bytes =
           [](const ParamValues& p) { return kRingHeaderBytes + 8 * int_param(p, "queue_depth"); },
       .run = run_producer_consumer});
}

}  // namespace ktstr::workload
