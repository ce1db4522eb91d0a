// Engine: external payloads (stress-ng, schbench, any program) started,
// awaited and killed by ops. A payload runs in its own process group with
// its output discarded; it dies with the harness (parent-death signal) and
// is killed at the end of the scenario if still running.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario/engine_impl.hpp"
#include "scenario/requirements.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace ktstr::scenario::detail {
namespace {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("killed by signal {}", WTERMSIG(status));
  return "ended";
}

// Child side: async-signal-safe calls only.
[[noreturn]] void exec_child(int gate_fd, int null_fd, const char* path, char* const argv[]) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  setpgid(0, 0);
  char byte = 0;
  // The parent closes its end once the child is in its cgroup.
  while (read(gate_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  dup2(null_fd, STDIN_FILENO);
  dup2(null_fd, STDOUT_FILENO);
  dup2(null_fd, STDERR_FILENO);
  execve(path, argv, environ);
  _exit(127);
}

}  // namespace

Status Engine::run_payload(const Op& op) {
  const std::string path = find_executable(op.argv.front());
  if (path.empty()) {
    return environment_error(
        fmt::format("payload {}: '{}' is not on PATH", op.payload, op.argv.front()));
  }
  std::vector<std::string> args = op.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0) return sys_error("pipe2 for payload " + op.payload);
  UniqueFd gate_r(gate[0]), gate_w(gate[1]);
  UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull) return sys_error("open /dev/null");
  const pid_t pid = fork();
  if (pid < 0) return sys_error("fork payload " + op.payload);
  if (pid == 0) {
    close(gate[1]);
    exec_child(gate[0], devnull.get(), path.c_str(), argv.data());
  }
  gate_r.reset();
  setpgid(pid, pid);  // also done by the child; whichever runs first wins
  payloads_[op.payload] = Payload{pid, false, 0};
  if (!op.cgroup.empty()) KTSTR_TRY(cgm_->move_pids(op.cgroup, {pid}));
  gate_w.reset();  // releases the child
  return {};
}

Status Engine::wait_payload(const Op& op) {
  auto& p = payloads_.at(op.payload);
  const uint64_t deadline = mono_ns() + op.timeout_ns;
  while (!p.done && mono_ns() < deadline && !interrupted()) {
    int status = 0;
    pid_t got = waitpid(p.pid, &status, WNOHANG);
    if (got == p.pid) {
      p.done = true;
      p.status = status;
      break;
    }
    timespec ts = ns_to_timespec(10'000'000);
    nanosleep(&ts, nullptr);
  }
  if (p.done) {
    event("payload", fmt::format("{} {}", op.payload, describe_status(p.status)));
    if (!WIFEXITED(p.status) || WEXITSTATUS(p.status) != 0) {
      r_.warnings.push_back(fmt::format("payload {} {}", op.payload, describe_status(p.status)));
    }
  } else {
    r_.warnings.push_back(fmt::format("payload {} still running after {}", op.payload,
                                      format_duration_ns(op.timeout_ns)));
  }
  return {};
}

Status Engine::kill_payload(const std::string& name) {
  auto& p = payloads_.at(name);
  if (p.done) return {};
  kill(-p.pid, SIGKILL);
  kill(p.pid, SIGKILL);
  int status = 0;
  while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
  }
  p.done = true;
  p.status = status;
  return {};
}

void Engine::kill_all_payloads() {
  for (auto& [name, p] : payloads_) {
    if (!p.done) (void)kill_payload(name);
  }
}

}  // namespace ktstr::scenario::detail
