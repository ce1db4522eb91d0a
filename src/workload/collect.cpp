// Collection from forked workers: readiness, stop, one shared deadline,
// report decoding as each frame completes (so at most one raw copy of a
// worker's samples exists at a time), teardown and sentinels.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "sys/proc_pid.hpp"
#include "util/clock.hpp"
#include "util/unique_fd.hpp"
#include "workload/handle.hpp"
#include "workload/handle_state.hpp"
#include "workload/report_frame.hpp"

namespace ktstr::workload {
namespace {

// Complete or corrupt: either way nothing more is read from it.
bool frame_complete(const ForkedChild& c) {
  return report_frame_state(c.buf, c.slot_count) != FrameState::kIncomplete;
}

// Reads what is available; returns false on EOF or error.
bool drain(ForkedChild& c) {
  uint8_t tmp[65536];
  for (;;) {
    ssize_t n = ::read(c.report_r.get(), tmp, sizeof tmp);
    if (n > 0) {
      c.buf.insert(c.buf.end(), tmp, tmp + n);
      if (!c.buf.empty() && c.buf[0] == 'r') c.ready = true;
      if (frame_complete(c)) return true;  // a child streaming junk cannot grow buf
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

// Notes that the child has exited without reaping it (WNOWAIT): while it is
// an unreaped zombie its pid, and so its process group id, cannot be reused,
// so kill_child may still signal the group. Only reap_child reaps.
void note_exit(ForkedChild& c) {
  if (c.exited || c.pid <= 0) return;
  siginfo_t si{};
  if (waitid(P_PID, static_cast<id_t>(c.pid), &si, WEXITED | WNOHANG | WNOWAIT) != 0) return;
  if (si.si_pid != c.pid) return;
  c.exited = true;
  // The status waitpid would return, so WIFEXITED/WTERMSIG apply.
  c.wait_status = si.si_code == CLD_EXITED   ? (si.si_status & 0xff) << 8
                  : si.si_code == CLD_DUMPED ? (si.si_status & 0x7f) | 0x80
                                             : si.si_status & 0x7f;
}

// Waits for the children's report pipes. One epoll set for the whole
// collection (a poll over all N pipes per event is quadratic in the number
// of workers); a pipe leaves the set at EOF or once its report frame is in.
class Pump {
 public:
  explicit Pump(HandleState& st)
      : st_(st), ep_(epoll_create1(EPOLL_CLOEXEC)), detached_(st.children.size(), false) {
    for (size_t i = 0; i < st_.children.size() && ep_; ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      if (epoll_ctl(ep_.get(), EPOLL_CTL_ADD, st_.children[i].report_r.get(), &ev) != 0) {
        ep_.reset();  // run() then only scans: every child ends as a sentinel
      }
    }
  }

  // Until `done(child)` holds for every child or the deadline passes. A
  // child that left the set counts as done (nothing more will come).
  template <class Done>
  void run(uint64_t deadline_ns, Done done) {
    constexpr uint64_t kReapScanNs = 50'000'000;
    const size_t n = st_.children.size();
    std::vector<bool> settled(n, false);
    size_t pending = 0;
    // A reaped child sends nothing more either (what it wrote is drained at
    // the end).
    auto over = [&](size_t i) {
      return detached_[i] || st_.children[i].exited || done(st_.children[i]);
    };
    auto settle = [&](size_t i) {
      if (!settled[i] && over(i)) {
        settled[i] = true;
        --pending;
      }
    };
    for (size_t i = 0; i < n; ++i) {
      settled[i] = over(i);
      if (!settled[i]) ++pending;
    }
    uint64_t next_reap_scan = mono_ns() + kReapScanNs;
    std::vector<epoll_event> events(std::min<size_t>(n, 256) + 1);
    while (pending > 0 && ep_) {
      const uint64_t now = mono_ns();
      if (now >= deadline_ns) return;
      const int timeout_ms =
          static_cast<int>(std::min<uint64_t>((deadline_ns - now) / 1000000 + 1, 50));
      const int got =
          epoll_wait(ep_.get(), events.data(), static_cast<int>(events.size()), timeout_ms);
      if (got < 0 && errno != EINTR) return;
      for (int k = 0; k < got; ++k) {
        const auto i = static_cast<size_t>(events[static_cast<size_t>(k)].data.u64);
        auto& c = st_.children[i];
        if (!drain(c)) {
          detached_[i] = true;
          epoll_ctl(ep_.get(), EPOLL_CTL_DEL, c.report_r.get(), nullptr);
          note_exit(c);
        } else if (frame_complete(c)) {
          // Nothing more is read from it: its EOF need not wake us (one
          // wakeup fewer per worker while the others still report).
          detached_[i] = true;
          epoll_ctl(ep_.get(), EPOLL_CTL_DEL, c.report_r.get(), nullptr);
        }
        settle(i);
      }
      // waitid only at EOF and every 50 ms (each call walks the caller's
      // whole child list): the scan finds children that died while a
      // grandchild still holds their pipe open, so no EOF would ever come.
      if (mono_ns() >= next_reap_scan) {
        next_reap_scan = mono_ns() + kReapScanNs;
        for (size_t i = 0; i < n; ++i) {
          if (settled[i]) continue;
          note_exit(st_.children[i]);
          settle(i);
        }
      }
    }
  }

 private:
  HandleState& st_;
  UniqueFd ep_;
  std::vector<bool> detached_;  // left the set: at EOF, or with its frame complete
};

ExitInfo classify(const ForkedChild& c, bool killed_by_us) {
  if (!c.stuck.empty()) return {ExitInfo::Kind::kWaitFailed, ETIMEDOUT, c.stuck};
  if (!c.reaped) return {ExitInfo::Kind::kWaitFailed, ECHILD, "child was not reaped"};
  if (killed_by_us) return {ExitInfo::Kind::kTimedOut, 0, "no report before the deadline"};
  if (WIFEXITED(c.wait_status)) {
    return {ExitInfo::Kind::kExited, WEXITSTATUS(c.wait_status), "exited without a report"};
  }
  if (WIFSIGNALED(c.wait_status)) {
    return {ExitInfo::Kind::kSignaled, WTERMSIG(c.wait_status), strsignal(WTERMSIG(c.wait_status))};
  }
  return {ExitInfo::Kind::kExited, 0, "unknown wait status"};
}

// SIGKILL to the child's process group (it also holds any grandchildren a
// worker forked) and to the child itself; does not wait. Never after the
// child was reaped: its pid (and group id) may then belong to someone else.
void kill_child(const ForkedChild& c) {
  if (c.pid <= 0 || c.reaped) return;
  // The child leads its own group (it and the parent both setpgid); an
  // unreaped leader keeps the group id reserved.
  kill(-c.pid, SIGKILL);
  if (!c.pidfd || syscall(SYS_pidfd_send_signal, c.pidfd.get(), SIGKILL, nullptr, 0) != 0) {
    kill(c.pid, SIGKILL);
  }
}

// Reaps the child, waiting on its pidfd (a 5 ms poll without one) until
// `deadline_ns`. A child that SIGKILL does not end by then (frozen in a v1
// freezer, stuck in the kernel) is left unreaped, with evidence of where it
// is stuck in `c.stuck`, instead of hanging the harness.
void reap_child(ForkedChild& c, uint64_t deadline_ns, uint64_t budget_ns) {
  while (c.pid > 0 && !c.reaped) {
    int status = 0;
    const pid_t r = waitpid(c.pid, &status, WNOHANG);
    if (r == c.pid || (r < 0 && errno == ECHILD)) {
      c.reaped = true;
      c.wait_status = r == c.pid ? status : 0;
      c.pidfd.reset();
      if (r != c.pid) c.pid = -1;
      return;
    }
    const uint64_t now = mono_ns();
    if (now >= deadline_ns) {
      c.stuck = fmt::format("not reaped {} ms after SIGKILL: {}", budget_ns / 1'000'000,
                            sys::stuck_evidence(c.pid));
      return;
    }
    const int wait_ms = static_cast<int>(
        std::min<uint64_t>((deadline_ns - now) / 1'000'000 + 1, c.pidfd ? 1000 : 5));
    if (c.pidfd) {
      pollfd p{c.pidfd.get(), POLLIN, 0};
      poll(&p, 1, wait_ms);
    } else {
      usleep(static_cast<useconds_t>(wait_ms) * 1000);
    }
  }
}

// Kills every child first and reaps afterwards under one deadline, so the
// children's exits run in parallel instead of one wait at a time.
void kill_and_reap_all(std::vector<ForkedChild>& children) {
  for (auto& c : children) kill_child(c);
  const uint64_t deadline = mono_ns() + kReapTimeoutNs;
  for (auto& c : children) reap_child(c, deadline, kReapTimeoutNs);
}

}  // namespace

std::vector<WorkerReport> collect_children(HandleState& st, bool wait_ready) {
  for (auto& c : st.children) fcntl(c.report_r.get(), F_SETFL, O_NONBLOCK);
  Pump pump(st);
  if (wait_ready) {
    pump.run(mono_ns() + kReadyTimeoutNs, [](const ForkedChild& c) { return c.ready; });
  }
  for (auto& c : st.children) {
    if (!c.reaped) kill(c.pid, SIGUSR1);
  }
  std::vector<std::optional<WorkerReport>> slots(st.res->total_workers);
  pump.run(mono_ns() + kCollectTimeoutNs, [](const ForkedChild& c) { return frame_complete(c); });
  std::vector<bool> complete(st.children.size()), exited_on_its_own(st.children.size());
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& c = st.children[i];
    drain(c);  // whatever arrived after the last wakeup
    complete[i] = frame_complete(c);
    if (!complete[i]) note_exit(c);  // did it die on its own before our kill?
    exited_on_its_own[i] = c.exited;
  }
  kill_and_reap_all(st.children);
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& c = st.children[i];
    std::optional<ExitInfo> failure;
    // Exited on its own after part of a frame: the frame says what is wrong.
    const bool truncated =
        !complete[i] && exited_on_its_own[i] && WIFEXITED(c.wait_status) && c.buf.size() > 1;
    if (complete[i] || truncated) {
      auto decoded =
          decode_report_frame(c.buf, std::span(st.slots).subspan(c.slot_begin, c.slot_count));
      std::vector<uint8_t>().swap(c.buf);
      if (decoded) {
        for (auto& r : *decoded) {
          size_t wi = r.worker_index;
          if (wi < slots.size()) slots[wi] = std::move(r);
        }
      } else {
        failure = ExitInfo{ExitInfo::Kind::kPanicked, 0, decoded.error().message};
      }
    } else {
      failure = classify(c, !exited_on_its_own[i]);
    }
    std::vector<uint8_t>().swap(c.buf);
    for (size_t k = 0; k < c.slot_count; ++k) {
      const WorkerSlot& s = st.slots[c.slot_begin + k];
      if (slots[s.worker_index]) continue;
      const auto& g = st.res->plans[s.group_idx];
      slots[s.worker_index] =
          make_sentinel(s.worker_index, s.group_idx, c.container ? 0 : c.pid, g.def->name,
                        failure.value_or(ExitInfo{ExitInfo::Kind::kPanicked, 0, "report missing"}));
    }
    c.report_r.reset();
    if (!c.reaped && c.pid > 0) st.unreaped.push_back(std::move(c));
  }
  std::vector<WorkerReport> out;
  out.reserve(slots.size());
  for (auto& s : slots) {
    if (s) out.push_back(std::move(*s));
  }
  st.children.clear();
  st.start_r.reset();
  st.start_w.reset();
  return out;
}

void HandleState::kill_children() {
  for (auto& c : unreaped) children.push_back(std::move(c));
  unreaped.clear();
  kill_and_reap_all(children);
  for (const auto& c : children) {
    if (!c.reaped && !c.stuck.empty()) {
      fmt::print(stderr, "ktstr: warning: worker {} {}\n", c.pid, c.stuck);
    }
  }
  children.clear();
}

HandleState::~HandleState() {
  kill_children();
  stop_and_join_threads(nullptr);
}

}  // namespace ktstr::workload
