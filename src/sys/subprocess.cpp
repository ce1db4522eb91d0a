#include "sys/subprocess.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "sys/proc_pid.hpp"
#include "sys/subprocess_plan.hpp"
#include "util/clock.hpp"

namespace ktstr::sys {
namespace {

constexpr uint64_t kNsPerMs = 1000000ULL;
// Poll interval of wait_for when the kernel has no pidfd.
constexpr uint64_t kFallbackPollNs = 10 * kNsPerMs;

int open_pidfd(pid_t pid) {
  long fd = ::syscall(SYS_pidfd_open, pid, 0);
  return fd < 0 ? -1 : static_cast<int>(fd);
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) return fmt::format("killed by signal {}", signal);
  return fmt::format("exited with status {}", exit_code);
}

ExitStatus ExitStatus::from_wait_status(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) {
    s.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    s.signal = WTERMSIG(status);
  }
  return s;
}

Result<Subprocess> Subprocess::start(SubprocessOptions opts) {
  const std::string name = opts.argv.empty() ? std::string() : opts.argv.front();
  detail::PlanFds fds;
  auto plan = detail::prepare_child(opts, fds);
  if (!plan) {
    Error e = plan.error();
    return unexpected(e.context == name ? e : with_context(e, name));
  }
  detail::snapshot_open_fds(*plan);
  const pid_t pid = ::fork();
  if (pid < 0) return sys_error("fork failed", name);
  if (pid == 0) detail::run_child(*plan);

  Subprocess p;
  p.pid_ = pid;
  if (opts.new_process_group) {
    ::setpgid(pid, pid);  // the child does it too; whichever runs first wins
    p.pgid_ = pid;
  }
  p.pidfd_.reset(open_pidfd(pid));
  p.gate_ = std::move(fds.gate_w);
  p.stdin_pipe_ = std::move(fds.stdin_pipe);
  p.stdout_pipe_ = std::move(fds.stdout_pipe);
  p.stderr_pipe_ = std::move(fds.stderr_pipe);
  return p;
}

Subprocess::Subprocess(Subprocess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      pgid_(std::exchange(o.pgid_, 0)),
      pidfd_(std::move(o.pidfd_)),
      gate_(std::move(o.gate_)),
      stdin_pipe_(std::move(o.stdin_pipe_)),
      stdout_pipe_(std::move(o.stdout_pipe_)),
      stderr_pipe_(std::move(o.stderr_pipe_)),
      status_(std::exchange(o.status_, std::nullopt)),
      stuck_evidence_(std::move(o.stuck_evidence_)) {}

Subprocess& Subprocess::operator=(Subprocess&& o) noexcept {
  if (this != &o) {
    reset();
    pid_ = std::exchange(o.pid_, -1);
    pgid_ = std::exchange(o.pgid_, 0);
    pidfd_ = std::move(o.pidfd_);
    gate_ = std::move(o.gate_);
    stdin_pipe_ = std::move(o.stdin_pipe_);
    stdout_pipe_ = std::move(o.stdout_pipe_);
    stderr_pipe_ = std::move(o.stderr_pipe_);
    status_ = std::exchange(o.status_, std::nullopt);
    stuck_evidence_ = std::move(o.stuck_evidence_);
  }
  return *this;
}

Subprocess::~Subprocess() {
  reset();
}

void Subprocess::reset() {
  if (pid_ > 0 && !status_) (void)kill_and_wait();
  gate_.reset();
  stdin_pipe_.reset();
  stdout_pipe_.reset();
  stderr_pipe_.reset();
  pidfd_.reset();
  pid_ = -1;
  pgid_ = 0;
  status_.reset();
}

void Subprocess::release() {
  gate_.reset();
}

std::optional<ExitStatus> Subprocess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int st = 0;
  pid_t r = 0;
  do {
    r = ::waitpid(pid_, &st, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = ExitStatus::from_wait_status(st);
  } else if (r < 0 && errno == ECHILD) {
    status_ = ExitStatus{};  // reaped elsewhere (SIGCHLD ignored): status unknown
  }
  if (status_) pidfd_.reset();
  return status_;
}

std::optional<ExitStatus> Subprocess::wait_for(uint64_t timeout_ms) {
  const uint64_t deadline = mono_ns() + timeout_ms * kNsPerMs;
  for (;;) {
    if (auto s = poll()) return s;
    const uint64_t now = mono_ns();
    if (pid_ <= 0 || now >= deadline) return std::nullopt;
    const uint64_t left_ns = deadline - now;
    if (pidfd_) {
      pollfd p{pidfd_.get(), POLLIN, 0};
      const uint64_t left_ms = (left_ns + kNsPerMs - 1) / kNsPerMs;
      ::poll(&p, 1, static_cast<int>(std::min<uint64_t>(left_ms, INT_MAX)));
    } else {
      const uint64_t nap = std::min(left_ns, kFallbackPollNs);
      timespec ts{0, static_cast<long>(nap)};
      ::nanosleep(&ts, nullptr);
    }
  }
}

ExitStatus Subprocess::wait() {
  if (status_ || pid_ <= 0) return status_.value_or(ExitStatus{});
  int st = 0;
  pid_t r = 0;
  do {
    r = ::waitpid(pid_, &st, 0);
  } while (r < 0 && errno == EINTR);
  status_ = r == pid_ ? ExitStatus::from_wait_status(st) : ExitStatus{};
  pidfd_.reset();
  return *status_;
}

void Subprocess::signal_group(int sig) {
  // Once the leader is reaped its pid, and so a group id equal to it, may
  // belong to a stranger (a group with no members left frees the id): no
  // signal at all then. A child started in our group may have made its own
  // (setsid); while it is unreaped its pid is ours, and so is that group.
  if (pid_ <= 0 || status_) return;
  pid_t group = pgid_;
  if (group == 0 && ::getpgid(pid_) == pid_) group = pid_;
  if (group > 0) ::killpg(group, sig);
  if (!pidfd_ || ::syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0) != 0) {
    ::kill(pid_, sig);  // not yet reaped, so the pid is still ours
  }
}

ExitStatus Subprocess::kill_and_wait() {
  signal_group(SIGKILL);
  release();  // after the signal: a held child must not get to exec
  if (auto st = wait_for(kKillReapTimeoutMs)) return *st;
  // SIGKILL did not end it (frozen in a v1 freezer, stuck in the kernel):
  // record where, and give it up rather than hang. It stays our unreaped
  // child until it dies; its pid stays reserved meanwhile, so nothing
  // signals a stranger.
  stuck_evidence_ = fmt::format("pid {} not reaped {} ms after SIGKILL: {}", pid_,
                                kKillReapTimeoutMs, sys::stuck_evidence(pid_));
  status_ = ExitStatus{};
  status_->signal = SIGKILL;
  pidfd_.reset();
  return *status_;
}

std::string read_to_eof(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace ktstr::sys
