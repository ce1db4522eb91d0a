#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "sys/subprocess_plan.hpp"

extern char** environ;

namespace ktstr::sys::detail {
namespace {

// Opens the file or pipe behind stream `index` (0 stdin, 1 stdout, 2
// stderr); returns the child-side fd, -1 to inherit.
Result<int> open_stdio(const Stdio& io, int index, PlanFds& fds) {
  const bool input = index == 0;
  int fd = -1;
  switch (io.kind) {
    case Stdio::Kind::kInherit:
    case Stdio::Kind::kStdout:
      return -1;
    case Stdio::Kind::kNull:
      fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      if (fd < 0) return sys_error("cannot open /dev/null");
      break;
    case Stdio::Kind::kFile:
      fd = input ? ::open(io.path.c_str(), O_RDONLY | O_CLOEXEC)
                 : ::open(io.path.c_str(),
                          O_WRONLY | O_CREAT | O_CLOEXEC | (io.append ? O_APPEND : O_TRUNC), 0644);
      if (fd < 0) return sys_error("cannot open file for the child", io.path);
      break;
    case Stdio::Kind::kPipe: {
      int p[2];
      if (::pipe2(p, O_CLOEXEC) != 0) return sys_error("pipe2 failed");
      UniqueFd parent_end(input ? p[1] : p[0]);
      fd = input ? p[0] : p[1];
      (index == 0   ? fds.stdin_pipe
       : index == 1 ? fds.stdout_pipe
                    : fds.stderr_pipe) = std::move(parent_end);
      break;
    }
  }
  fds.child_side.emplace_back(fd);
  return fd;
}

// Copies `fd` to a number >= min_fd (close-on-exec, owned by `fds`).
Result<int> relocate(int fd, int min_fd, PlanFds& fds) {
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, min_fd);
  if (moved < 0) return sys_error(fmt::format("cannot duplicate fd {}", fd));
  fds.child_side.emplace_back(moved);
  return moved;
}

void build_env(const SubprocessOptions& opts, ChildPlan& plan) {
  if (opts.exact_env) {
    plan.env_storage = *opts.exact_env;
  } else {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) plan.env_storage.emplace_back(*e);
    for (const auto& kv : opts.env_overrides) {
      const std::string key = kv.substr(0, kv.find('=') + 1);
      auto same_key = [&](const std::string& e) { return e.compare(0, key.size(), key) == 0; };
      plan.env_storage.erase(
          std::remove_if(plan.env_storage.begin(), plan.env_storage.end(), same_key),
          plan.env_storage.end());
      plan.env_storage.push_back(kv);
    }
  }
  for (auto& e : plan.env_storage) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
}

// The program's absolute path (the child execs it after chdir).
Result<std::string> resolve_program(const SubprocessOptions& opts) {
  std::string prog = opts.program.empty() ? opts.argv.front() : opts.program;
  // A relative name with a '/' in argv[0] is looked up from the child's
  // directory, as execvp after chdir would.
  if (opts.program.empty() && prog.find('/') != std::string::npos && prog[0] != '/' &&
      !opts.cwd.empty()) {
    prog = opts.cwd + "/" + prog;
  }
  auto found = find_in_path(prog);
  if (!found || found->front() == '/') return found;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return sys_error("getcwd failed", prog);
  return std::string(cwd) + "/" + *found;
}

Status plan_fds(SubprocessOptions& opts, ChildPlan& plan, PlanFds& fds) {
  int max_target = 2;
  for (auto& k : opts.keep_fds) {
    if (k.child_fd < 0) k.child_fd = k.parent_fd;
    if (k.child_fd < 3 || ::fcntl(k.parent_fd, F_GETFD) < 0) {
      return invalid_input(
          fmt::format("cannot pass fd {} as child fd {}", k.parent_fd, k.child_fd));
    }
    max_target = std::max(max_target, k.child_fd);
  }
  const int min_src = max_target + 1;
  const Stdio* io[3] = {&opts.stdin_io, &opts.stdout_io, &opts.stderr_io};
  for (int i = 0; i < 3; ++i) {
    auto fd = open_stdio(*io[i], i, fds);
    if (!fd) return unexpected(fd.error());
    if (*fd < 0) continue;
    auto moved = relocate(*fd, min_src, fds);
    if (!moved) return unexpected(moved.error());
    plan.stdio_src[i] = *moved;
  }
  plan.stderr_to_stdout = opts.stderr_io.kind == Stdio::Kind::kStdout;
  plan.keep_sorted = {0, 1, 2};
  for (const auto& k : opts.keep_fds) {
    auto moved = relocate(k.parent_fd, min_src, fds);
    if (!moved) return unexpected(moved.error());
    plan.kept.emplace_back(*moved, k.child_fd);
    plan.keep_sorted.push_back(k.child_fd);
  }
  std::sort(plan.keep_sorted.begin(), plan.keep_sorted.end());
  plan.keep_sorted.erase(std::unique(plan.keep_sorted.begin(), plan.keep_sorted.end()),
                         plan.keep_sorted.end());
  if (opts.hold_until_released) {
    int g[2];
    if (::pipe2(g, O_CLOEXEC) != 0) return sys_error("pipe2 failed");
    fds.child_side.emplace_back(g[0]);
    fds.gate_w.reset(g[1]);
    plan.gate_r = g[0];
    plan.gate_w = g[1];
  }
  return {};
}

// Writes `n` in decimal; async-signal-safe.
void write_decimal(int fd, int n) {
  char buf[16];
  size_t i = sizeof buf;
  unsigned v = n < 0 ? 0U : static_cast<unsigned>(n);
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && i > 0);
  (void)!::write(fd, buf + i, sizeof buf - i);
}

bool is_kept(const ChildPlan& plan, int fd) {
  return std::binary_search(plan.keep_sorted.begin(), plan.keep_sorted.end(), fd);
}

// Closes every fd but the kept ones: close_range over the gaps, else the
// pre-fork snapshot, else a plain loop.
void close_other_fds(const ChildPlan& plan) {
  unsigned lo = 0;
  bool have_close_range = true;
  for (int k : plan.keep_sorted) {
    const auto kept = static_cast<unsigned>(k);
    if (kept > lo && ::syscall(SYS_close_range, lo, kept - 1, 0) != 0) {
      have_close_range = false;
      break;
    }
    lo = kept + 1;
  }
  if (have_close_range && ::syscall(SYS_close_range, lo, ~0U, 0) == 0) return;
  if (!plan.open_fds.empty()) {
    for (int fd : plan.open_fds) {
      if (!is_kept(plan, fd)) ::close(fd);
    }
    return;
  }
  for (int fd = 3; fd < plan.fd_limit; ++fd) {
    if (!is_kept(plan, fd)) ::close(fd);
  }
}

void reset_signals() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) (void)::sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace

Result<ChildPlan> prepare_child(SubprocessOptions& opts, PlanFds& fds) {
  if (opts.argv.empty()) return invalid_input("empty command line");
  ChildPlan plan;
  auto program = resolve_program(opts);
  if (!program) return unexpected(program.error());
  plan.program = *program;
  plan.arg_storage = opts.argv;
  for (auto& a : plan.arg_storage) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  build_env(opts, plan);
  plan.cwd = opts.cwd;
  plan.exec_error = "ktstr: cannot execute " + plan.program + ": errno ";
  KTSTR_TRY(plan_fds(opts, plan, fds));
  plan.new_process_group = opts.new_process_group;
  plan.death_signal = opts.death_signal;
  plan.parent = ::getpid();
  long limit = ::sysconf(_SC_OPEN_MAX);
  plan.fd_limit = limit > 0 ? static_cast<int>(std::min<long>(limit, INT_MAX)) : 1024;
  return plan;
}

void snapshot_open_fds(ChildPlan& plan) {
  plan.open_fds.clear();
  // Closing fd 2^32-1 closes nothing: it only asks whether the call exists.
  static const bool have_close_range = ::syscall(SYS_close_range, ~0U, ~0U, 0) == 0;
  if (have_close_range) return;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return;
  const int own = ::dirfd(d);
  while (const dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && fd != own)
      plan.open_fds.push_back(static_cast<int>(fd));
  }
  ::closedir(d);
}

void run_child(const ChildPlan& plan) {
  if (plan.death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, plan.death_signal);
    if (::getppid() != plan.parent) ::_exit(127);  // the parent died before the prctl
  }
  if (plan.new_process_group) ::setpgid(0, 0);
  reset_signals();
  if (plan.gate_r >= 0) {
    ::close(plan.gate_w);
    char byte = 0;
    while (::read(plan.gate_r, &byte, 1) < 0 && errno == EINTR) {
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (plan.stdio_src[i] >= 0) ::dup2(plan.stdio_src[i], i);
  }
  if (plan.stderr_to_stdout) ::dup2(1, 2);
  for (const auto& [src, target] : plan.kept) ::dup2(src, target);
  close_other_fds(plan);
  if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) {
    const int err = errno;
    (void)!::write(2, plan.exec_error.data(), plan.exec_error.size());
    write_decimal(2, err);
    (void)!::write(2, " (chdir)\n", 9);
    ::_exit(127);
  }
  ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
  const int err = errno;
  (void)!::write(2, plan.exec_error.data(), plan.exec_error.size());
  write_decimal(2, err);
  (void)!::write(2, "\n", 1);
  ::_exit(127);
}

}  // namespace ktstr::sys::detail
