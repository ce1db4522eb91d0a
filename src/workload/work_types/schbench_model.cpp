#include "workload/work_types/schbench_model.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstring>
#include <system_error>

#include "sys/futex.hpp"
#include "util/unique_fd.hpp"
#include "workload/primitives.hpp"

namespace ktstr::workload {

namespace {

constexpr size_t kQueueDepth = 64;  // posted-but-unserved requests per worker thread
constexpr uint64_t kSpinsBeforeYield = 1024;
constexpr uint64_t kMaxBacklogNs = 1'000'000'000;  // rps mode: forget older missed posts
constexpr uint64_t kThinkSliceNs = 10'000'000;

struct Pipe {
  UniqueFd rd, wr;
};

// A pipe whose write end never blocks (a full pipe already means "wake
// up"); the read end blocks only after poll said it is readable.
Result<Pipe> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return sys_error("pipe2 for a schbench wakeup channel");
  Pipe p{UniqueFd(fds[0]), UniqueFd(fds[1])};
  fcntl(p.wr.get(), F_SETFL, O_NONBLOCK);
  return p;
}

void pipe_signal(const Pipe& p) {
  const char byte = 'r';
  [[maybe_unused]] ssize_t n = write(p.wr.get(), &byte, 1);
}

// Waits up to kInnerPollNs for the pipe to become readable and drains it.
void pipe_wait(const Pipe& p) {
  pollfd pfd{p.rd.get(), POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(kInnerPollNs / 1'000'000)) > 0 && (pfd.revents & POLLIN)) {
    std::array<char, 64> buf;
    [[maybe_unused]] ssize_t n = read(p.rd.get(), buf.data(), buf.size());
  }
}

}  // namespace

struct alignas(64) SchbenchModel::CpuLock {
  std::atomic<bool> held{false};
};

struct SchbenchModel::WorkerSlot {
  // Written by the message thread.
  alignas(64) std::atomic<uint32_t> seq{0};  // futex word: bumped per post
  std::atomic<uint64_t> head{0};
  std::array<std::atomic<uint64_t>, kQueueDepth> stamps{};
  // Written by this worker thread.
  alignas(64) std::atomic<uint64_t> tail{0};
  std::atomic<bool> outstanding{false};  // closed loop: a request is in flight
  std::atomic<uint64_t> done{0};
  Pipe pipe;
  MessageSlot* owner = nullptr;
  LatencyHistogram wakeup, request;
  size_t n = 0;  // matrix dimension
  std::vector<double> a, b, c;
};

struct SchbenchModel::MessageSlot {
  alignas(64) std::atomic<uint32_t> done_seq{0};  // futex word: bumped per completion
  Pipe pipe;
  std::vector<WorkerSlot*> workers;
  uint64_t dropped = 0;  // message thread only
};

SchbenchModel::SchbenchModel(SchbenchConfig cfg, Telemetry* tel,
                             const std::atomic<bool>& outer_stop)
    : cfg_(cfg), tel_(tel), outer_stop_(outer_stop) {}

SchbenchModel::~SchbenchModel() {
  stop();
}

bool SchbenchModel::should_quit() const {
  return quit_.load(std::memory_order_relaxed) || outer_stop_.load(std::memory_order_relaxed);
}

Status SchbenchModel::start() {
  const long cpus = sysconf(_SC_NPROCESSORS_CONF);
  num_cpu_locks_ = cpus > 0 ? static_cast<size_t>(cpus) : 1;
  cpu_locks_ = std::make_unique<CpuLock[]>(num_cpu_locks_);
  // Three n x n double matrices fill the footprint.
  const auto n = std::max<size_t>(
      2, static_cast<size_t>(std::sqrt(static_cast<double>(cfg_.footprint_bytes) / 24.0)));
  for (size_t m = 0; m < cfg_.message_threads; ++m) {
    auto& ms = messages_.emplace_back(std::make_unique<MessageSlot>());
    if (cfg_.pipe) {
      auto p = make_pipe();
      if (!p) return unexpected(p.error());
      ms->pipe = std::move(*p);
    }
    for (size_t i = 0; i < cfg_.workers_per_message; ++i) {
      auto& w = workers_.emplace_back(std::make_unique<WorkerSlot>());
      w->owner = ms.get();
      w->n = n;
      w->a.assign(n * n, 1.0 / static_cast<double>(n));
      w->b.assign(n * n, 0.5);
      w->c.assign(n * n, 0.0);
      if (cfg_.pipe) {
        auto p = make_pipe();
        if (!p) return unexpected(p.error());
        w->pipe = std::move(*p);
      }
      ms->workers.push_back(w.get());
    }
  }
  start_ns_ = mono_ns();
  try {
    for (auto& w : workers_) threads_.emplace_back([this, p = w.get()] { worker_loop(*p); });
    for (auto& m : messages_) threads_.emplace_back([this, p = m.get()] { message_loop(*p); });
  } catch (const std::system_error& e) {
    const size_t started = threads_.size();
    stop();
    return environment_error(fmt::format("could only start {} of {} threads: {}", started,
                                         workers_.size() + messages_.size(), e.what()));
  }
  return {};
}

uint64_t SchbenchModel::completed() const {
  uint64_t total = 0;
  for (const auto& w : workers_) total += w->done.load(std::memory_order_relaxed);
  return total;
}

SchbenchResult SchbenchModel::stop() {
  if (stopped_) return result_;
  stopped_ = true;
  quit_.store(true, std::memory_order_relaxed);
  for (auto& w : workers_) {
    w->seq.fetch_add(1, std::memory_order_release);
    sys::futex_wake(&w->seq, 1, false);
    if (cfg_.pipe) pipe_signal(w->pipe);
  }
  for (auto& m : messages_) wake_message(*m);
  for (auto& t : threads_) t.join();
  result_.elapsed_ns = mono_ns() - start_ns_;
  result_.threads = threads_.size();
  threads_.clear();
  for (const auto& w : workers_) {
    result_.wakeup.merge(w->wakeup);
    result_.request.merge(w->request);
  }
  for (const auto& m : messages_) result_.dropped += m->dropped;
  return result_;
}

// Single producer (the owning message thread), single consumer (w).
void SchbenchModel::post(WorkerSlot& w, uint64_t stamp) {
  const uint64_t h = w.head.load(std::memory_order_relaxed);
  if (h - w.tail.load(std::memory_order_acquire) >= kQueueDepth) {
    ++w.owner->dropped;
    return;
  }
  w.stamps[h % kQueueDepth].store(stamp, std::memory_order_relaxed);
  w.head.store(h + 1, std::memory_order_release);
  if (cfg_.pipe) {
    pipe_signal(w.pipe);
  } else {
    w.seq.fetch_add(1, std::memory_order_release);
    sys::futex_wake(&w.seq, 1, false);
  }
}

void SchbenchModel::wake_message(MessageSlot& m) {
  if (cfg_.pipe) {
    pipe_signal(m.pipe);
  } else {
    m.done_seq.fetch_add(1, std::memory_order_release);
    sys::futex_wake(&m.done_seq, 1, false);
  }
}

// Closed loop (rps 0): keep one request in flight per worker thread, post
// again as soon as one completes. Open loop: post at a fixed rate to the
// workers in turn; the stamp is the scheduled time, so a late message
// thread counts against the latency instead of hiding it.
void SchbenchModel::message_loop(MessageSlot& m) {
  if (cfg_.rps == 0) {
    while (!should_quit()) {
      const uint32_t seen = m.done_seq.load(std::memory_order_acquire);
      for (WorkerSlot* w : m.workers) {
        if (w->outstanding.load(std::memory_order_acquire)) continue;
        w->outstanding.store(true, std::memory_order_relaxed);
        post(*w, mono_ns());
      }
      if (cfg_.pipe) {
        pipe_wait(m.pipe);
      } else {
        sys::futex_wait(&m.done_seq, seen, kInnerPollNs, false);
      }
    }
    return;
  }
  const uint64_t period_ns = std::max<uint64_t>(1, cfg_.message_threads * 1'000'000'000 / cfg_.rps);
  uint64_t next = mono_ns();
  for (size_t turn = 0; !should_quit();) {
    const uint64_t now = mono_ns();
    if (now < next) {
      const timespec ts = ns_to_timespec(std::min(next, now + kInnerPollNs));
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
      continue;
    }
    post(*m.workers[turn++ % m.workers.size()], next);
    next += period_ns;
    if (now > next + kMaxBacklogNs) next = now;
  }
}

void SchbenchModel::worker_loop(WorkerSlot& w) {
  while (!should_quit()) {
    const uint32_t seen = w.seq.load(std::memory_order_acquire);
    const uint64_t t = w.tail.load(std::memory_order_relaxed);
    if (t == w.head.load(std::memory_order_acquire)) {
      if (cfg_.pipe) {
        pipe_wait(w.pipe);
      } else {
        sys::futex_wait(&w.seq, seen, kInnerPollNs, false);
      }
      continue;
    }
    const uint64_t stamp = w.stamps[t % kQueueDepth].load(std::memory_order_relaxed);
    w.tail.store(t + 1, std::memory_order_release);
    serve(w, stamp);
  }
}

void SchbenchModel::serve(WorkerSlot& w, uint64_t stamp) {
  const uint64_t running = mono_ns();
  const uint64_t wakeup_ns = running > stamp ? running - stamp : 0;
  w.wakeup.add(wakeup_ns);
  {
    std::lock_guard lock(tel_mu_);
    tel_->wake_sample(wakeup_ns);
  }
  think(cfg_.sleep_ns);
  if (!matrix_work(w)) return;  // stopped mid-request: not a completed request
  const uint64_t end = mono_ns();
  w.request.add(end > stamp ? end - stamp : 0);
  w.done.fetch_add(1, std::memory_order_relaxed);
  if (cfg_.rps == 0) {
    w.outstanding.store(false, std::memory_order_release);
    wake_message(*w.owner);
  }
}

void SchbenchModel::think(uint64_t ns) const {
  const uint64_t end = mono_ns() + ns;
  for (uint64_t now = mono_ns(); now < end && !should_quit(); now = mono_ns()) {
    const timespec ts = ns_to_timespec(std::min(end, now + kThinkSliceNs));
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
  }
}

// `ops` multiplies c = a x b under the lock of the CPU the thread is on
// when it starts. A holder preempted or migrated mid-way makes the next
// thread on that CPU spin (then yield) until it finishes.
bool SchbenchModel::matrix_work(WorkerSlot& w) {
  const int cpu = sched_getcpu();
  CpuLock& lock = cpu_locks_[static_cast<size_t>(cpu < 0 ? 0 : cpu) % num_cpu_locks_];
  for (uint64_t spins = 0; lock.held.exchange(true, std::memory_order_acquire); ++spins) {
    if (should_quit()) return false;
    cpu_relax();
    if (spins % kSpinsBeforeYield == kSpinsBeforeYield - 1) sched_yield();
  }
  const size_t n = w.n;
  bool finished = true;
  for (uint64_t op = 0; op < cfg_.ops && finished; ++op) {
    std::fill(w.c.begin(), w.c.end(), 0.0);
    for (size_t i = 0; i < n; ++i) {
      if (should_quit()) {
        finished = false;
        break;
      }
      for (size_t k = 0; k < n; ++k) {
        const double aik = w.a[i * n + k];
        for (size_t j = 0; j < n; ++j) w.c[i * n + j] += aik * w.b[k * n + j];
      }
    }
    asm volatile("" ::"r"(w.c.data()) : "memory");
  }
  lock.held.store(false, std::memory_order_release);
  return finished;
}

}  // namespace ktstr::workload
