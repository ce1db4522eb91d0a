// Cache families: a per-worker buffer walked with a stride by volatile
// read-modify-writes (one work unit per access), alone, with a yield, or
// with a pipe exchange between a pair. Each buffer is private to its worker
// and allocated before the loop, so the loop itself makes no syscalls other
// than the yield or the pipe exchange it is about.
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

constexpr uint64_t kAccessesPerIteration = 1024;
constexpr int64_t kMaxSizeKib = 1 << 20;  // 1 GiB per worker is already absurd

// The walk state of one worker: buffer, stride and where the walk is.
class CacheWalker {
 public:
  CacheWalker(size_t size_bytes, size_t stride) : buf_(size_bytes, 0), stride_(stride) {}

  // `n` volatile read-modify-writes, advancing by the stride and wrapping;
  // +n work units.
  void rmw(WorkerContext& ctx, uint64_t n) {
    volatile uint8_t* p = buf_.data();
    const size_t size = buf_.size();
    for (uint64_t i = 0; i < n; ++i) {
      p[off_] = static_cast<uint8_t>(p[off_] + 1);
      off_ += stride_;
      if (off_ >= size) off_ -= size;
    }
    ctx.tel->add_units(n);
  }

 private:
  std::vector<uint8_t> buf_;
  size_t stride_;
  size_t off_ = 0;
};

CacheWalker make_walker(const WorkerContext& ctx) {
  const auto size = static_cast<size_t>(ctx.params->get_int("size_kib")) * 1024;
  const auto stride =
      ctx.params->has("stride") ? static_cast<size_t>(ctx.params->get_int("stride")) : 64;
  return CacheWalker(size, stride);
}

void run_cache_pressure(WorkerContext& ctx) {
  CacheWalker w = make_walker(ctx);
  while (!ctx.stopped()) {
    w.rmw(ctx, kAccessesPerIteration);
    ctx.tel->iteration();
  }
}

void run_cache_yield(WorkerContext& ctx) {
  CacheWalker w = make_walker(ctx);
  while (!ctx.stopped()) {
    w.rmw(ctx, kAccessesPerIteration);
    const uint64_t before = mono_ns();
    sched_yield();
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->iteration();
  }
}

enum class Exchange { kOk, kStopped, kPartnerGone };

// Waits (poll, kStopPollNs at a time) for one byte on `fd`.
Exchange read_byte(WorkerContext& ctx, int fd) {
  for (;;) {
    if (ctx.stopped()) return Exchange::kStopped;
    pollfd p{fd, POLLIN, 0};
    int rc = poll(&p, 1, static_cast<int>(kStopPollNs / 1'000'000));
    if (rc < 0 && errno != EINTR) return Exchange::kPartnerGone;
    if (rc <= 0) continue;
    char b = 0;
    ssize_t n = read(fd, &b, 1);
    if (n == 1) return Exchange::kOk;
    if (n == 0 || (errno != EINTR && errno != EAGAIN)) return Exchange::kPartnerGone;
  }
}

// Pair: pipes[0] carries position 0 -> 1, pipes[1] carries 1 -> 0. Both
// sides write their byte first and then read the partner's, so the
// exchange is a symmetric rendezvous that cannot deadlock (at most one byte
// is ever in flight per direction).
void run_cache_pipe(WorkerContext& ctx) {
  CacheWalker w = make_walker(ctx);
  const auto burst = static_cast<uint64_t>(ctx.params->get_int("burst_iters"));
  const int out_fd = ctx.pipes[ctx.pos][1];
  const int in_fd = ctx.pipes[ctx.pos ^ 1U][0];
  while (!ctx.stopped()) {
    w.rmw(ctx, burst);
    const uint64_t before = mono_ns();
    const char b = 'x';
    if (write(out_fd, &b, 1) != 1 && errno != EINTR) break;
    Exchange e = read_byte(ctx, in_fd);
    if (e == Exchange::kStopped) break;
    if (e == Exchange::kPartnerGone) {
      ctx.tel->warn("cache_pipe: partner closed its pipe; idling until stop");
      while (!ctx.stopped()) sleep_ns(ctx, kStopPollNs);
      break;
    }
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->after_block();
    ctx.tel->iteration();
  }
}

Status validate_stride(const ParamValues& p) {
  const int64_t size = p.get_int("size_kib") * 1024;
  if (p.get_int("stride") > size) {
    return invalid_input(
        fmt::format("param stride: {} bytes is larger than the buffer (size_kib={} = {} bytes); "
                    "use a stride <= size_kib*1024",
                    p.get_int("stride"), p.get_int("size_kib"), size));
  }
  return {};
}

ParamDef size_param() {
  return {"size_kib", ParamKind::kInt, "32", "per-worker buffer size in KiB", 1, kMaxSizeKib};
}
ParamDef stride_param() {
  return {"stride", ParamKind::kInt, "64", "bytes between consecutive accesses", 1, 1 << 20};
}

}  // namespace

void register_cache_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "cache_pressure",
           .family = "cache",
           .summary = "1024 volatile read-modify-writes per iteration over a per-worker buffer "
                      "walked with a stride (1 unit per access)",
           .params = {size_param(), stride_param()},
           .validate = validate_stride,
           .run = run_cache_pressure});
  reg.add({.name = "cache_yield",
           .family = "cache",
           .summary = "cache_pressure's 1024 accesses, then sched_yield; samples the yield",
           .params = {size_param(), stride_param()},
           .samples = "wake",
           .validate = validate_stride,
           .run = run_cache_yield});
  reg.add({.name = "cache_pipe",
           .family = "cache",
           .summary = "pairs: burst_iters cache accesses (stride 64), then a 1-byte pipe exchange "
                      "with the partner; samples the exchange",
           .params = {size_param(),
                      {"burst_iters", ParamKind::kInt, "1024",
                       "cache accesses before each exchange", 1, INT64_MAX}},
           .samples = "wake",
           .group_size = [](const ParamValues&) -> size_t { return 2; },
           .pipes_per_unit = [](const ParamValues&) -> size_t { return 2; },
           .run = run_cache_pipe});
}

}  // namespace ktstr::workload
