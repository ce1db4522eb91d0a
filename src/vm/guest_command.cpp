#include "vm/guest_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Forks the command; stdout to `out_w` unless interactive.
pid_t spawn(const RunRequest& req, int out_w, int err_fd) {
  std::vector<std::string> args = command_argv(req);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const char* program = req.argv.empty() ? "/bin/busybox" : "/init";
  bool interactive = req.argv.empty() && req.shell_command.empty();
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  if (!interactive) {
    ::setpgid(0, 0);
    ::dup2(out_w, 1);
    ::dup2(err_fd, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
  }
  ::execv(program, argv.data());
  ::_exit(127);
}

// Reaps zombies: the command (returns true, sets `status`), the scheduler
// (through its owner, which records its exit), and orphans PID 1 inherited.
bool reap(pid_t child, sched::SchedulerProcess* sched, int& status) {
  bool child_done = false;
  for (;;) {
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
    pid_t pid = info.si_pid;
    if (sched && pid == sched->pid()) {
      sched->alive();
      continue;
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (pid == child) {
      status = st;
      child_done = true;
    }
  }
  return child_done;
}

// Decides when to stop the running command: its own timeout, or a failed
// scheduler after the grace period (SIGTERM to its group, SIGKILL 3 s later).
class Stopper {
 public:
  Stopper(const RunRequest& req, pid_t child) : req_(req), child_(child), start_(mono_ns()) {}

  void tick(uint64_t now, bool scheduler_healthy, CommandOutcome& out) {
    if (!scheduler_healthy && failed_at_ == 0) failed_at_ = now;
    bool timeout =
        req_.command_timeout_ms > 0 && now - start_ > req_.command_timeout_ms * 1000000ULL;
    bool sched_stop = req_.stop_on_scheduler_failure && failed_at_ != 0 &&
                      now - failed_at_ > req_.failure_grace_ms * 1000000ULL;
    if ((timeout || sched_stop) && term_at_ == 0) {
      out.timed_out = timeout;
      out.stopped_for_scheduler = sched_stop;
      ::kill(-child_, SIGTERM);
      term_at_ = now;
    } else if (term_at_ != 0 && now - term_at_ > 3000000000ULL) {
      ::kill(-child_, SIGKILL);
    }
  }

 private:
  const RunRequest& req_;
  pid_t child_;
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
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    out.start_error = "pipe2 failed";
    return out;
  }
  UniqueFd rd(fds[0]), wr(fds[1]);
  UniqueFd err(::open(kStderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  pid_t child = spawn(req, wr.get(), err.get());
  if (child < 0) {
    out.start_error = "fork failed";
    return out;
  }
  wr.reset();
  out.started = true;
  Stopper stopper(req, child);
  uint64_t exited_at = 0;
  int status = 0;
  bool pipe_open = true;
  while (exited_at == 0 || pipe_open) {
    if (pipe_open) {
      pipe_open = read_some(rd.get(), out.stdout_text);
    } else {
      ::usleep(50 * 1000);
    }
    uint64_t now = mono_ns();
    if (exited_at == 0 && reap(child, sched, status)) exited_at = now;
    if (exited_at != 0) {
      // Drain what is buffered; a leftover background process holding the
      // pipe must not keep us here.
      if (now - exited_at > 2000000000ULL) break;
      continue;
    }
    bool healthy = !(watch && sched) || watch->poll(*sched);
    stopper.tick(now, healthy, out);
  }
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  out.stderr_tail = file_tail_lines(kStderrPath, 30);
  return out;
}

}  // namespace ktstr::vm::guest
