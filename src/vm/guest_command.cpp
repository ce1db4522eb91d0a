#include "vm/guest_command.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/subprocess.hpp"
#include "util/clock.hpp"
#include "util/unique_fd.hpp"
#include "vm/qemu.hpp"

namespace ktstr::vm::guest {
namespace {

constexpr size_t kMaxOutputBytes = 32u << 20;
constexpr const char* kStderrPath = "/tmp/command.stderr";

std::vector<std::string> command_argv(const RunRequest& req) {
  if (!req.argv.empty()) {
    std::vector<std::string> a{"ktstr"};
    a.insert(a.end(), req.argv.begin(), req.argv.end());
    return a;
  }
  if (!req.shell_command.empty()) return {"sh", "-c", req.shell_command};
  return {"setsid", "cttyhack", "sh"};
}

bool is_interactive(const RunRequest& req) {
  return req.argv.empty() && req.shell_command.empty();
}

// Non-interactive: own process group, stdout to a pipe we read, stderr to
// kStderrPath, stdin from /dev/null. Interactive: the console's stdio.
Result<sys::Subprocess> spawn(const RunRequest& req) {
  sys::SubprocessOptions opts;
  opts.argv = command_argv(req);
  opts.program = req.argv.empty() ? "/bin/busybox" : "/init";
  if (is_interactive(req)) {
    opts.new_process_group = false;
    opts.stdin_io = sys::Stdio::inherit();
  } else {
    opts.stdout_io = sys::Stdio::pipe();
    opts.stderr_io = sys::Stdio::file(kStderrPath);
  }
  return sys::Subprocess::start(std::move(opts));
}

// Reaps zombies: the command (returns its status), the scheduler (through
// its owner, which records its exit), and orphans PID 1 inherited.
std::optional<sys::ExitStatus> reap(sys::Subprocess& child, sched::SchedulerProcess* sched) {
  std::optional<sys::ExitStatus> child_status;
  for (;;) {
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
    pid_t pid = info.si_pid;
    if (sched && pid == sched->pid()) {
      sched->alive();
    } else if (pid == child.pid()) {
      child_status = child.poll();
    } else {
      int st = 0;
      ::waitpid(pid, &st, 0);
    }
  }
  return child_status;
}

// Decides when to stop the running command: its own timeout, or a failed
// scheduler after the grace period (SIGTERM to its group, SIGKILL 3 s later).
class Stopper {
 public:
  Stopper(const RunRequest& req, sys::Subprocess& child)
      : req_(req), child_(child), start_(mono_ns()) {}

  void tick(uint64_t now, bool scheduler_healthy, CommandOutcome& out) {
    if (!scheduler_healthy && failed_at_ == 0) failed_at_ = now;
    bool timeout =
        req_.command_timeout_ms > 0 && now - start_ > req_.command_timeout_ms * 1000000ULL;
    bool sched_stop = req_.stop_on_scheduler_failure && failed_at_ != 0 &&
                      now - failed_at_ > req_.failure_grace_ms * 1000000ULL;
    if ((timeout || sched_stop) && term_at_ == 0) {
      out.timed_out = timeout;
      out.stopped_for_scheduler = sched_stop;
      child_.signal_group(SIGTERM);
      term_at_ = now;
    } else if (term_at_ != 0 && now - term_at_ > 3000000000ULL) {
      child_.signal_group(SIGKILL);
    }
  }

 private:
  const RunRequest& req_;
  sys::Subprocess& child_;
  uint64_t start_;
  uint64_t failed_at_ = 0;
  uint64_t term_at_ = 0;
};

// Reads what the pipe has (waiting up to 100 ms); false at EOF.
bool read_some(int fd, std::string& into) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 100) <= 0) return true;
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n <= 0) return false;
  if (into.size() < kMaxOutputBytes) into.append(buf, static_cast<size_t>(n));
  return true;
}

}  // namespace

CommandOutcome run_watched(const RunRequest& req, sched::SchedulerProcess* sched,
                           sched::HealthWatch* watch) {
  CommandOutcome out;
  auto child = spawn(req);
  if (!child) {
    out.start_error = child.error().describe();
    return out;
  }
  out.started = true;
  UniqueFd rd = child->take_stdout();
  Stopper stopper(req, *child);
  uint64_t exited_at = 0;
  std::optional<sys::ExitStatus> status;
  bool pipe_open = rd.valid();
  while (exited_at == 0 || pipe_open) {
    if (pipe_open) {
      pipe_open = read_some(rd.get(), out.stdout_text);
    } else {
      ::usleep(50 * 1000);
    }
    uint64_t now = mono_ns();
    if (exited_at == 0) {
      status = reap(*child, sched);
      if (status) exited_at = now;
    }
    if (exited_at != 0) {
      // Drain what is buffered; a leftover background process holding the
      // pipe must not keep us here.
      if (now - exited_at > 2000000000ULL) break;
      continue;
    }
    bool healthy = !(watch && sched) || watch->poll(*sched);
    stopper.tick(now, healthy, out);
  }
  out.exit_code = status->shell_code();
  out.stderr_tail = file_tail_lines(kStderrPath, 30);
  return out;
}

}  // namespace ktstr::vm::guest
