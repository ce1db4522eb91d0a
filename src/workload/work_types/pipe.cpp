// Pipe families: paired byte exchanges and a token passed around a ring of
// stages (through pipes or futex words). Pipe writes wake the reader with
// the kernel's sync hint, which is what these types exercise.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include <fmt/format.h>

#include "workload/primitives.hpp"
#include "workload/wakeup.hpp"
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
// reads its partner's pipes[p ^ 1]. A strict ping-pong: position 0 starts
// with the token; a worker waits for its partner's message, spins
// burst_iters, then sends its own. Each message is the sender's stamp,
// taken right before the write that wakes the reader. Two samples per
// receive: the blocked time (poll+read: the partner's spin plus two
// handoffs) and the wakeup latency from the stamp.
//
// (Both sides used to spin, write, then wait at the same time: the
// partner's byte was then usually already in the pipe, so the "wake"
// sample timed a poll+read that never slept: ~1.5 us across CPUs.)
void run_pipe_io(WorkerContext& ctx) {
  const auto burst_iters = static_cast<uint64_t>(ctx.params->get_int("burst_iters"));
  const int out = ctx.pipes[ctx.pos][1];
  const int in = ctx.pipes[ctx.pos ^ 1][0];
  bool holding = ctx.pos == 0;
  while (!ctx.stopped()) {
    if (!holding) {
      WakerStamp got;
      const uint64_t before = mono_ns();
      if (!read_when_ready(ctx, in, &got, sizeof got)) break;
      ctx.tel->wakeup_sample(got.ns, got.cpu);
      ctx.tel->wake_sample(mono_ns() - before);
      ctx.tel->after_block();
    }
    holding = false;
    spin(ctx, burst_iters);
    const WakerStamp st = stamp_now();
    if (!write_exact(out, &st, sizeof st)) break;
    ctx.tel->iteration();
  }
}

// wake_chain, futex flavour: the waker's stamp at offset 0, then one u32
// word per stage that the previous stage bumps.
constexpr size_t kChainWordsOffset = sizeof(WakerStamp);

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

  // The hop's "wake" sample is now − the stamp (as it always was); a pipe
  // read, or a futex wait that slept and was woken, is also a wakeup sample.
  bool receive() {
    WakerStamp stamp;
    bool woken = true;
    if (pipe_) {
      if (!read_when_ready(ctx_, ctx_.pipes[(ctx_.pos + depth_ - 1) % depth_][0], &stamp,
                           sizeof stamp)) {
        return false;
      }
    } else {
      const WaitEnd end = wait_for_wake(ctx_, word(ctx_.pos), seen_);
      if (end == WaitEnd::kStopped) return false;
      woken = end == WaitEnd::kWoken;
      seen_ = word(ctx_.pos)->load(std::memory_order_acquire);
      stamp = *stamp_slot();
    }
    const uint64_t now = mono_ns();
    const uint64_t lat = now >= stamp.ns ? now - stamp.ns : 0;
    if (woken) ctx_.tel->record_wakeup(lat, stamp.cpu, current_cpu());
    ctx_.tel->wake_sample(lat);
    ctx_.tel->after_block();
    return true;
  }

  bool forward() {
    const WakerStamp stamp = stamp_now();
    if (pipe_) return write_exact(ctx_.pipes[ctx_.pos][1], &stamp, sizeof stamp);
    *stamp_slot() = stamp;
    auto* next = word((ctx_.pos + 1) % depth_);
    next->fetch_add(1, std::memory_order_release);
    sys::futex_wake(next, 1, !ctx_.thread_mode);
    return true;
  }

 private:
  // Written by the token holder before it bumps the next word (release),
  // read by that stage after it saw the bump (acquire): one writer at a time.
  WakerStamp* stamp_slot() const { return ctx_.shared_as<WakerStamp>(); }
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
           .summary =
               "pairs pass a token through two pipes: wait for it, spin burst_iters, send it back",
           .params = {{"burst_iters", ParamKind::kInt, "1024", "spin before each send", 1}},
           .samples = "wake+wakeup",
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
       .samples = "wake+wakeup",
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
