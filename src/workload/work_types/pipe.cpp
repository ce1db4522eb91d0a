// Pipe families: paired byte exchanges and a token passed around a ring of
// stages (through pipes or futex words). Pipe writes wake the reader with
// the kernel's sync hint, which is what these types exercise.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include <fmt/format.h>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

constexpr int kStopPollMs = static_cast<int>(kStopPollNs / 1'000'000);

bool write_exact(int fd, const void* buf, size_t len) {
  for (;;) {
    const ssize_t n = write(fd, buf, len);
    if (n == static_cast<ssize_t>(len)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;  // messages are <= PIPE_BUF, so no short writes
  }
}

// Waits (in stop-aware slices) until `fd` is readable and reads exactly `len`
// bytes (messages are written whole, so one read gets them). Returns false
// on stop, hang-up or error.
bool read_when_ready(WorkerContext& ctx, int fd, void* buf, size_t len) {
  pollfd p{fd, POLLIN, 0};
  while (!ctx.stopped()) {
    const int rc = poll(&p, 1, kStopPollMs);
    if (rc < 0 && errno != EINTR) return false;
    if (rc <= 0) continue;
    if ((p.revents & POLLIN) == 0) return false;
    ssize_t n;
    do {
      n = read(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n == static_cast<ssize_t>(len);
  }
  return false;
}

// Pipe i carries what position i writes: position p writes pipes[p] and
// reads its partner's pipes[p ^ 1]. Both sides spin, send one byte and wait
// for the other's; the wait is the wake sample.
void run_pipe_io(WorkerContext& ctx) {
  const auto burst_iters = static_cast<uint64_t>(ctx.params->get_int("burst_iters"));
  const int out = ctx.pipes[ctx.pos][1];
  const int in = ctx.pipes[ctx.pos ^ 1][0];
  char byte = 'x';
  while (!ctx.stopped()) {
    spin(ctx, burst_iters);
    if (!write_exact(out, &byte, 1)) break;
    const uint64_t before = mono_ns();
    if (!read_when_ready(ctx, in, &byte, 1)) break;
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->after_block();
    ctx.tel->iteration();
  }
}

// wake_chain, futex flavour: the waker's u64 stamp at offset 0, then one
// u32 word per stage that the previous stage bumps.
constexpr size_t kChainWordsOffset = 8;

bool is_pipe_chain(const ParamValues& p) {
  return p.get_str("wake") == "pipe";
}

// One stage's view of the ring: how it learns the token arrived and how it
// passes it on. Returns false from receive on stop.
class ChainLink {
 public:
  explicit ChainLink(WorkerContext& ctx)
      : ctx_(ctx),
        depth_(static_cast<size_t>(ctx.params->get_int("depth"))),
        pipe_(is_pipe_chain(*ctx.params)) {}

  bool receive() {
    uint64_t stamp = 0;
    if (pipe_) {
      if (!read_when_ready(ctx_, ctx_.pipes[(ctx_.pos + depth_ - 1) % depth_][0], &stamp,
                           sizeof stamp)) {
        return false;
      }
    } else {
      if (!wait_for_change(ctx_, word(ctx_.pos), seen_)) return false;
      seen_ = word(ctx_.pos)->load(std::memory_order_acquire);
      stamp = stamp_slot()->load(std::memory_order_relaxed);
    }
    const uint64_t now = mono_ns();
    if (now >= stamp) ctx_.tel->wake_sample(now - stamp);
    ctx_.tel->after_block();
    return true;
  }

  bool forward() {
    const uint64_t stamp = mono_ns();
    if (pipe_) return write_exact(ctx_.pipes[ctx_.pos][1], &stamp, sizeof stamp);
    stamp_slot()->store(stamp, std::memory_order_relaxed);
    auto* next = word((ctx_.pos + 1) % depth_);
    next->fetch_add(1, std::memory_order_release);
    sys::futex_wake(next, 1, !ctx_.thread_mode);
    return true;
  }

 private:
  std::atomic<uint64_t>* stamp_slot() const { return ctx_.shared_as<std::atomic<uint64_t>>(); }
  std::atomic<uint32_t>* word(size_t stage) const {
    return ctx_.shared_as<std::atomic<uint32_t>>(kChainWordsOffset + 4 * stage);
  }

  WorkerContext& ctx_;
  size_t depth_;
  bool pipe_;
  uint32_t seen_ = 0;
};

void spin_for(WorkerContext& ctx, uint64_t ns) {
  const uint64_t end = mono_ns() + ns;
  while (mono_ns() < end && !ctx.stopped()) spin(ctx, 32);
}

// Stage 0 holds the token first. A stage waits for it, works
// `work_per_hop`, stamps and passes it on; only one token exists, so every
// stage's hop count is within one of every other's.
void run_wake_chain(WorkerContext& ctx) {
  const uint64_t work_ns = ctx.params->get_ns("work_per_hop");
  ChainLink link(ctx);
  bool holding = ctx.pos == 0;
  uint64_t hops = 0;
  while (!ctx.stopped()) {
    if (!holding && !link.receive()) break;
    holding = false;
    spin_for(ctx, work_ns);
    if (!link.forward()) break;
    ++hops;
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("hops", static_cast<double>(hops));
}

Status validate_wake_chain(const ParamValues& p) {
  if (p.get_int("depth") < 2) {
    return invalid_input(
        fmt::format("param depth={}: a chain needs at least 2 stages (a stage "
                    "cannot wake itself); set depth >= 2",
                    p.get_int("depth")));
  }
  return {};
}

}  // namespace

void register_pipe_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "pipe_io",
           .family = "pipe",
           .summary = "pairs spin, send each other one byte through pipes and wait for the reply",
           .params = {{"burst_iters", ParamKind::kInt, "1024", "spin before each exchange", 1}},
           .samples = "wake",
           .group_size = [](const ParamValues&) -> size_t { return 2; },
           .pipes_per_unit = [](const ParamValues&) -> size_t { return 2; },
           .run = run_pipe_io});
  reg.add(
      {.name = "wake_chain",
       .family = "pipe",
       .summary = "a token travels a ring of `depth` stages; each works work_per_hop, then "
                  "wakes the next through a pipe or a futex word",
       .params = {{"depth", ParamKind::kInt, "4", "stages per chain (>= 2)", 1, 1024},
                  {"wake",
                   ParamKind::kChoice,
                   "pipe",
                   "how a stage wakes the next",
                   0,
                   INT64_MAX,
                   {"pipe", "futex"}},
                  {"work_per_hop", ParamKind::kDuration, "100us", "spin time of each stage per hop",
                   1}},
       .samples = "wake",
       .group_size = [](const ParamValues& p) { return static_cast<size_t>(p.get_int("depth")); },
       .shared_bytes = [](const ParamValues& p) -> size_t {
         if (is_pipe_chain(p)) return 0;
         return kChainWordsOffset + 4 * static_cast<size_t>(p.get_int("depth"));
       },
       .pipes_per_unit = [](const ParamValues& p) -> size_t {
         return is_pipe_chain(p) ? static_cast<size_t>(p.get_int("depth")) : 0;
       },
       .validate = validate_wake_chain,
       .run = run_wake_chain});
}

}  // namespace ktstr::workload
