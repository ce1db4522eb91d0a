// Process families: fork/exit churn and thread-directed signal storms.
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

constexpr uint64_t kForkRetryNs = 10'000'000;

// Reaps `pid`, retrying interrupted waits (the stop signal interrupts it
// too). No timeout is needed: the child does nothing but _exit. True when
// it was reaped.
bool reap(pid_t pid) {
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid, &status, 0);
    if (r == pid) return true;
    if (r < 0 && errno == EINTR) continue;
    return false;
  }
}

// The child exits at once, so the parent's waitpid measures how soon the
// scheduler runs the new child and then the woken parent. A failed fork
// (pid or memory limits) is reported once and retried after a pause.
void run_fork_exit(WorkerContext& ctx) {
  uint64_t reaps = 0;
  bool warned = false;
  while (!ctx.stopped()) {
    const pid_t pid = fork();
    if (pid == 0) _exit(0);
    if (pid < 0) {
      if (!warned) {
        ctx.tel->warn(fmt::format("fork failed ({}); retrying every 10ms", std::strerror(errno)));
        warned = true;
      }
      sleep_ns(ctx, kForkRetryNs);
      continue;
    }
    const uint64_t before = mono_ns();
    if (reap(pid)) {
      ctx.tel->wake_sample(mono_ns() - before);
      ++reaps;
    }
    ctx.tel->after_block();
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("reaps", static_cast<double>(reaps));
}

// Per-thread count of SIGUSR2 deliveries. Constant-initialised and
// lock-free, so touching it from the handler is async-signal-safe.
constinit thread_local std::atomic<uint64_t> t_sigusr2_received{0};

void on_sigusr2(int /*sig*/) {
  t_sigusr2_received.fetch_add(1, std::memory_order_relaxed);
}

// Handlers are process-wide: in thread mode this one stays installed in the
// harness. That is harmless because it only bumps a thread-local counter.
// Returns 0 or the errno of the failed sigaction.
int install_sigusr2_handler() {
  static std::once_flag once;
  static int err = 0;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = on_sigusr2;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGUSR2, &sa, nullptr) != 0) err = errno;
  });
  return err;
}

// Each worker publishes its (tgid, tid) only after its handler is in
// place, so a partner never signals it while SIGUSR2 would still kill it,
// and clears the slot before leaving.
struct SignalSlots {
  std::atomic<int32_t> tgid[2];
  std::atomic<int32_t> tid[2];
};
static_assert(sizeof(SignalSlots) == 16);

// Sends up to n signals to the partner; stops early when it is gone.
uint64_t signal_partner(const SignalSlots* s, size_t partner, int64_t n) {
  const pid_t tid = s->tid[partner].load(std::memory_order_acquire);
  if (tid == 0) return 0;
  const pid_t tgid = s->tgid[partner].load(std::memory_order_relaxed);
  uint64_t sent = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (syscall(SYS_tgkill, tgid, tid, SIGUSR2) != 0) break;
    ++sent;
  }
  return sent;
}

void run_signal_storm(WorkerContext& ctx) {
  const auto per_iter = ctx.params->get_int("signals_per_iter");
  const auto work_iters = static_cast<uint64_t>(ctx.params->get_int("work_iters"));
  auto* slots = ctx.shared_as<SignalSlots>();
  const size_t partner = ctx.pos ^ 1U;
  t_sigusr2_received.store(0);
  if (const int err = install_sigusr2_handler(); err != 0) {
    ctx.tel->warn(fmt::format("SIGUSR2 handler not installed ({}); spinning without signals",
                              std::strerror(err)));
  } else {
    slots->tgid[ctx.pos].store(getpid(), std::memory_order_relaxed);
    slots->tid[ctx.pos].store(ctx.tid, std::memory_order_release);
  }
  uint64_t sent = 0;
  while (!ctx.stopped()) {
    sent += signal_partner(slots, partner, per_iter);
    spin(ctx, work_iters);
    ctx.tel->iteration();
  }
  slots->tid[ctx.pos].store(0, std::memory_order_release);
  ctx.tel->set_extra("signals_sent", static_cast<double>(sent));
  ctx.tel->set_extra("signals_received", static_cast<double>(t_sigusr2_received.load()));
}

}  // namespace

void register_process_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "fork_exit",
           .family = "process",
           .summary = "fork a child that exits at once, then waitpid it: fork/exit/reap churn",
           .samples = "wake",
           .thread_ok = false,
           .pcomm_ok = false,
           .restriction = "fork_exit must be its own process (clone mode fork, no pcomm): forked "
                          "from a worker thread, every child would copy the whole multi-threaded "
                          "harness (memory, fds, locks held by other threads) and the child's "
                          "exit and reap would land on the harness process instead of a worker",
           .run = run_fork_exit});
  reg.add({.name = "signal_storm",
           .family = "process",
           .summary = "pairs tgkill each other with SIGUSR2 (no-op handler) signals_per_iter "
                      "times, then spin",
           .params = {{"signals_per_iter", ParamKind::kInt, "16", "signals sent per iteration", 1,
                       1 << 20},
                      {"work_iters", ParamKind::kInt, "1024", "spin after each signal burst", 1}},
           .group_size = [](const ParamValues&) -> size_t { return 2; },
           .shared_bytes = [](const ParamValues&) -> size_t { return sizeof(SignalSlots); },
           .run = run_signal_storm});
}

}  // namespace ktstr::workload
