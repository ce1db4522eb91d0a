// Thread dispatch: one thread per worker inside the harness process.
//
// Threads wait on a shared start word, publish their tid, and bump an
// eventfd from an RAII guard on every exit path; the parent joins with a
// deadline using epoll on that eventfd plus a timerfd, never polling in a
// sleep loop. A thread that misses the deadline is detached and reported as
// timed out; it keeps the shared resources alive through its shared_ptr.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "sys/futex.hpp"
#include "util/clock.hpp"
#include "workload/handle.hpp"
#include "workload/handle_state.hpp"
#include "workload/worker.hpp"

namespace ktstr::workload {
namespace {

struct ExitSignal {
  std::shared_ptr<UniqueFd> efd;  // shared: a detached thread may outlive the handle
  ThreadShared* sh;
  ~ExitSignal() {
    sh->done.store(true, std::memory_order_release);
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(efd->get(), &one, sizeof one);
  }
};

bool wait_thread_start(const std::atomic<uint32_t>* word, const std::atomic<bool>& stop) {
  auto* w = const_cast<std::atomic<uint32_t>*>(word);
  while (w->load(std::memory_order_acquire) == 0) {
    if (stop.load(std::memory_order_relaxed)) return false;
    sys::futex_wait(w, 0, kStopPollNs, false);
  }
  return !stop.load(std::memory_order_relaxed);
}

}  // namespace

Status start_thread_workers(HandleState& st) {
  st.thread_mode = true;
  st.thread_start = std::make_shared<std::atomic<uint32_t>>(0);
  st.threads_running = std::make_shared<std::atomic<uint32_t>>(0);
  st.thread_exit_efd = std::make_shared<UniqueFd>(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!*st.thread_exit_efd) return sys_error("eventfd for thread workers failed");
  size_t worker_index = 0;
  for (const auto& g : st.res->plans) {
    for (size_t k = 0; k < g.num_workers; ++k) {
      auto sh = std::make_shared<ThreadShared>();
      sh->slot = {g.group_idx, k, worker_index++};
      st.threads.push_back(sh);
    }
  }
  for (auto& sh : st.threads) {
    auto res = st.res;
    auto start = st.thread_start;
    auto running = st.threads_running;
    auto efd = st.thread_exit_efd;
    try {
      st.thread_objs.emplace_back([sh, res, start, running, efd] {
        ExitSignal guard{efd, sh.get()};
        WorkerContext ctx;
        fill_context(ctx, *res, sh->slot);
        Telemetry tel(res->counter(sh->slot.worker_index), sh->slot.worker_index + 1);
        ctx.tel = &tel;
        ctx.stop = &sh->stop;
        ctx.thread_mode = true;
        try {
          auto gate = [&] {
            sh->tid.store(ctx.tid, std::memory_order_release);
            if (!wait_thread_start(start.get(), sh->stop)) return false;
            running->fetch_add(1, std::memory_order_release);
            sys::futex_wake(running.get(), 1, false);
            return true;
          };
          sh->report = run_thread_worker(ctx, res->plans[sh->slot.group_idx], start_gate(gate));
        } catch (const std::exception& e) {
          sh->panic = e.what();
        } catch (...) {
          sh->panic = "unknown exception";
        }
      });
    } catch (const std::system_error& e) {
      return make_error(
          ErrorKind::kRuntime,
          fmt::format("creating a worker thread failed: {}; use fewer workers", e.what()));
    }
  }
  return {};
}

void HandleState::stop_and_join_threads(std::vector<WorkerReport>* out) {
  // When collecting, let every started thread get past the start gate first
  // so none is stopped before it ran (a busy machine may not have scheduled
  // it yet). The destructor path skips this.
  if (out != nullptr && threads_running && thread_start && thread_start->load() == 1) {
    const uint64_t deadline = mono_ns() + kReadyTimeoutNs;
    for (;;) {
      uint32_t n = threads_running->load(std::memory_order_acquire);
      if (n >= threads.size() || mono_ns() >= deadline) break;
      sys::futex_wait(threads_running.get(), n, 10'000'000, false);
    }
  }
  for (auto& sh : threads) sh->stop.store(true, std::memory_order_relaxed);
  if (thread_start) {
    thread_start->store(1, std::memory_order_release);
    sys::futex_wake(thread_start.get(), INT32_MAX, false);
  }
  UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (ep && timer && thread_exit_efd && *thread_exit_efd) {
    itimerspec its{};
    its.it_value = ns_to_timespec(kCollectTimeoutNs);
    timerfd_settime(timer.get(), 0, &its, nullptr);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = thread_exit_efd->get();
    epoll_ctl(ep.get(), EPOLL_CTL_ADD, thread_exit_efd->get(), &ev);
    ev.data.fd = timer.get();
    epoll_ctl(ep.get(), EPOLL_CTL_ADD, timer.get(), &ev);
    auto all_done = [&] {
      for (auto& sh : threads) {
        if (!sh->done.load(std::memory_order_acquire)) return false;
      }
      return true;
    };
    bool expired = false;
    while (!all_done() && !expired) {
      epoll_event got[2];
      int n = epoll_wait(ep.get(), got, 2, -1);
      for (int i = 0; i < n; ++i) {
        uint64_t v = 0;
        [[maybe_unused]] ssize_t r = ::read(got[i].data.fd, &v, sizeof v);
        if (got[i].data.fd == timer.get()) expired = true;
      }
    }
  }
  for (size_t i = 0; i < threads.size(); ++i) {
    auto& sh = threads[i];
    const GroupPlan& g = res->plans[sh->slot.group_idx];
    if (sh->done.load(std::memory_order_acquire)) {
      thread_objs[i].join();
      if (!out) continue;
      if (sh->report) {
        out->push_back(*sh->report);
      } else {
        out->push_back(make_sentinel(sh->slot.worker_index, g.group_idx, sh->tid.load(),
                                     g.def->name,
                                     {ExitInfo::Kind::kPanicked, 0,
                                      sh->panic.empty() ? "worker did not start" : sh->panic}));
      }
    } else {
      thread_objs[i].detach();
      if (out) {
        out->push_back(make_sentinel(sh->slot.worker_index, g.group_idx, sh->tid.load(),
                                     g.def->name, {ExitInfo::Kind::kTimedOut, 0, "join timeout"}));
      }
    }
  }
  threads.clear();
  thread_objs.clear();
}

}  // namespace ktstr::workload
