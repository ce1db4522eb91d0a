#include "vm/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "util/clock.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace ktstr::vm {

void child_die_with_parent(pid_t parent_pid) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent_pid) ::_exit(127);
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty()) {
      std::string cand = dir + "/" + name;
      struct stat st {};
      if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          ::access(cand.c_str(), X_OK) == 0) {
        return cand;
      }
    }
    start = end + 1;
  }
  return {};
}

std::string shell_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`*?;&|<>()") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

namespace {

// Everything the child needs, prepared before fork so the child only makes
// async-signal-safe calls.
struct ChildPlan {
  std::vector<char*> argv;
  std::vector<std::string> env_storage;
  std::vector<char*> envp;
  int stdout_fd = -1;  // -1: inherit
  int stderr_fd = -1;
  const char* cwd = nullptr;
  const char* stdin_path = "/dev/null";
};

[[noreturn]] void exec_child(const ChildPlan& plan, pid_t parent) {
  child_die_with_parent(parent);
  int in_fd = ::open(plan.stdin_path, O_RDONLY);
  if (in_fd < 0) ::_exit(126);
  ::dup2(in_fd, 0);
  if (plan.stdout_fd >= 0) ::dup2(plan.stdout_fd, 1);
  if (plan.stderr_fd >= 0) ::dup2(plan.stderr_fd, 2);
  if (plan.cwd && ::chdir(plan.cwd) != 0) ::_exit(126);
  ::execvpe(plan.argv[0], plan.argv.data(), const_cast<char**>(plan.envp.data()));
  ::_exit(127);
}

}  // namespace

Result<CommandResult> run_command(const std::vector<std::string>& argv,
                                  const CommandOptions& opts) {
  if (argv.empty()) return invalid_input("empty command");
  std::string program = argv[0];
  if (program.find('/') != std::string::npos && program[0] != '/' && !opts.cwd.empty()) {
    program = opts.cwd + "/" + program;  // the child resolves it after chdir
  }
  if (find_program(program).empty()) {
    return environment_error(
        fmt::format("'{}' not found in PATH; install it (scripts/setup)", argv[0]));
  }
  ChildPlan plan;
  std::vector<std::string> args = argv;
  for (auto& a : args) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (char** e = environ; e && *e; ++e) plan.env_storage.emplace_back(*e);
  for (const auto& e : opts.extra_env) plan.env_storage.push_back(e);
  for (auto& e : plan.env_storage) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  if (!opts.cwd.empty()) plan.cwd = opts.cwd.c_str();
  if (!opts.stdin_path.empty()) plan.stdin_path = opts.stdin_path.c_str();

  UniqueFd log_fd, out_file_fd, devnull_fd, pipe_r, pipe_w;
  if (!opts.log_path.empty()) {
    log_fd.reset(::open(opts.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!log_fd) return sys_error("cannot open log file", opts.log_path);
    plan.stdout_fd = plan.stderr_fd = log_fd.get();
  } else if (opts.quiet_stderr) {
    devnull_fd.reset(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    plan.stderr_fd = devnull_fd.get();
  }
  if (!opts.stdout_path.empty()) {
    out_file_fd.reset(
        ::open(opts.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out_file_fd) return sys_error("cannot create output file", opts.stdout_path);
    plan.stdout_fd = out_file_fd.get();
  }
  if (opts.capture_stdout) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return sys_error("pipe2 failed");
    pipe_r.reset(fds[0]);
    pipe_w.reset(fds[1]);
    plan.stdout_fd = pipe_w.get();
  }

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return sys_error("fork failed", argv[0]);
  if (pid == 0) exec_child(plan, parent);
  pipe_w.reset();

  CommandResult res;
  uint64_t start_ns = mono_ns();
  uint64_t next_beat_ms = opts.heartbeat_ms;
  if (pipe_r) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(pipe_r.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      res.stdout_text.append(buf, static_cast<size_t>(n));
    }
  }
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, opts.heartbeat ? WNOHANG : 0);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return sys_error("waitpid failed", argv[0]);
    if (r == 0) {
      ::usleep(200 * 1000);
      uint64_t elapsed_ms = (mono_ns() - start_ns) / 1000000;
      if (elapsed_ms >= next_beat_ms) {
        opts.heartbeat(elapsed_ms);
        next_beat_ms += opts.heartbeat_ms;
      }
    }
  }
  if (WIFEXITED(status)) {
    res.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    res.term_signal = WTERMSIG(status);
  }
  return res;
}

}  // namespace ktstr::vm
