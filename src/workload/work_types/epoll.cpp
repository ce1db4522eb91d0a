// epoll_storm: producers hammer one eventfd, consumers race for it through
// one shared epoll instance. The fds are created by the unit's first worker
// at run time and shared by number, which only works when every worker
// shares one fd table (threads, or a pcomm container's threads).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

// One word holds the fds' state (top two bits) and how many workers are
// using them (the rest). The worker that drops the count to zero closes the
// fds, so they live exactly as long as someone uses them, even when some
// worker of the unit never got to run (a busy machine may stop a thread
// before it starts). Once closed, the state says so and late workers stay
// away: the numbers may already belong to other files.
constexpr uint32_t kStateShift = 30;
constexpr uint32_t kRefMask = (1U << kStateShift) - 1;
constexpr uint32_t kFdsPending = 0, kFdsReady = 1, kFdsFailed = 2, kFdsClosed = 3;
constexpr uint64_t kProducerGapIters = 1024;
constexpr int kMaxEvents = 4;

constexpr uint32_t fds_state(uint32_t word) {
  return word >> kStateShift;
}

struct EpollUnit {
  std::atomic<uint32_t> state_refs;
  uint32_t pad;
  std::atomic<int32_t> efd;
  std::atomic<int32_t> epfd;
};
static_assert(sizeof(EpollUnit) == 16);

// Position 0 creates the eventfd and the epoll instance; 0 or an errno.
int create_fds(EpollUnit* u) {
  const int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) return errno;
  const int epfd = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = efd;
  if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev) != 0) {
    const int err = errno;
    if (epfd >= 0) close(epfd);
    close(efd);
    return err;
  }
  u->efd.store(efd, std::memory_order_relaxed);
  u->epfd.store(epfd, std::memory_order_relaxed);
  return 0;
}

// True when this worker may use the fds (and must release_fds later).
// Position 0 creates them holding the first reference; the others wait for
// that, then take a reference unless the fds failed or are already closed.
bool acquire_fds(WorkerContext& ctx, EpollUnit* u) {
  if (ctx.pos == 0) {
    const int err = create_fds(u);
    if (err != 0) {
      ctx.tel->warn(
          fmt::format("epoll_storm: eventfd/epoll setup failed ({}); idling", std::strerror(err)));
    }
    u->state_refs.store(err == 0 ? (kFdsReady << kStateShift) | 1 : kFdsFailed << kStateShift,
                        std::memory_order_release);
    sys::futex_wake(&u->state_refs, INT32_MAX, !ctx.thread_mode);
    return err == 0;
  }
  if (!wait_for_change(ctx, &u->state_refs, kFdsPending)) return false;
  uint32_t w = u->state_refs.load(std::memory_order_acquire);
  while (fds_state(w) == kFdsReady) {
    if (u->state_refs.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel)) return true;
  }
  if (fds_state(w) == kFdsFailed) {
    ctx.tel->warn("epoll_storm: the unit's eventfd/epoll setup failed; idling");
  }
  return false;
}

// Drops this worker's reference. The last user drains what no consumer took
// and closes both fds; returns that leftover count (0 for everyone else).
uint64_t release_fds(EpollUnit* u) {
  const uint32_t after = u->state_refs.fetch_sub(1, std::memory_order_acq_rel) - 1;
  uint32_t expected = kFdsReady << kStateShift;
  if ((after & kRefMask) != 0 ||
      !u->state_refs.compare_exchange_strong(expected, kFdsClosed << kStateShift)) {
    return 0;  // still in use, or a late worker took a reference first
  }
  const int efd = u->efd.load(std::memory_order_relaxed);
  uint64_t leftover = 0;
  if (read(efd, &leftover, sizeof leftover) != sizeof leftover) leftover = 0;  // EAGAIN: none
  close(u->epfd.load(std::memory_order_relaxed));
  close(efd);
  return leftover;
}

uint64_t produce(WorkerContext& ctx, int efd) {
  const auto burst = ctx.params->get_int("events_per_burst");
  const uint64_t one = 1;
  uint64_t produced = 0;
  while (!ctx.stopped()) {
    for (int64_t i = 0; i < burst; ++i) {
      if (write(efd, &one, sizeof one) == sizeof one) ++produced;
    }
    spin(ctx, kProducerGapIters);
    ctx.tel->iteration();
  }
  return produced;
}

// A wait that returned an event is the wake sample; the read may still come
// up empty when another consumer drained the counter first.
uint64_t consume(WorkerContext& ctx, int epfd, int efd) {
  constexpr int kWaitMs = static_cast<int>(kStopPollNs / 1'000'000);
  epoll_event evs[kMaxEvents];
  uint64_t consumed = 0;
  while (!ctx.stopped()) {
    const uint64_t before = mono_ns();
    const int n = epoll_wait(epfd, evs, kMaxEvents, kWaitMs);
    if (n > 0) {
      ctx.tel->wake_sample(mono_ns() - before);
      uint64_t v = 0;
      if (read(efd, &v, sizeof v) == sizeof v) consumed += v;
    }
    ctx.tel->after_block();
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  return consumed;
}

void run_epoll_storm(WorkerContext& ctx) {
  auto* u = ctx.shared_as<EpollUnit>();
  uint64_t produced = 0, consumed = 0, leftover = 0;
  if (acquire_fds(ctx, u)) {
    const int efd = u->efd.load(std::memory_order_relaxed);
    if (ctx.pos < static_cast<size_t>(ctx.params->get_int("producers"))) {
      produced = produce(ctx, efd);
    } else {
      consumed = consume(ctx, u->epfd.load(std::memory_order_relaxed), efd);
    }
    leftover = release_fds(u);
  } else {
    while (!ctx.stopped()) sleep_ns(ctx, kStopPollNs);
  }
  ctx.tel->set_extra("produced", static_cast<double>(produced));
  ctx.tel->set_extra("consumed", static_cast<double>(consumed));
  ctx.tel->set_extra("leftover", static_cast<double>(leftover));
}

size_t int_param(const ParamValues& p, const char* name) {
  return static_cast<size_t>(p.get_int(name));
}

}  // namespace

void register_epoll_work_types(WorkTypeRegistry& reg) {
  reg.add(
      {.name = "epoll_storm",
       .family = "epoll",
       .summary = "producers write bursts to a shared eventfd; consumers epoll_wait and read it; "
                  "extra: produced, consumed, leftover",
       .params = {{"producers", ParamKind::kInt, "1", "writer workers per unit", 1, 1024},
                  {"consumers", ParamKind::kInt, "2", "epoll_wait workers per unit", 1, 1024},
                  {"events_per_burst", ParamKind::kInt, "32", "eventfd writes per burst", 1,
                   1 << 20}},
       .samples = "wake",
       .group_size =
           [](const ParamValues& p) {
             return int_param(p, "producers") + int_param(p, "consumers");
           },
       .shared_bytes = [](const ParamValues&) -> size_t { return sizeof(EpollUnit); },
       .fork_ok = false,
       .restriction = "epoll_storm creates its eventfd and epoll fds at run time and shares them "
                      "by number; forked workers have separate fd tables that never receive "
                      "fds created after the fork, so it needs clone mode thread (or pcomm)",
       .run = run_epoll_storm});
}

}  // namespace ktstr::workload
