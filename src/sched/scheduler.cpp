#include "sched/scheduler.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "util/clock.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::sched {

Result<SchedulerSpec> resolve_scheduler(const std::string& text,
                                        const std::vector<std::string>& args,
                                        const std::map<std::string, std::string>& fixtures) {
  if (text.empty() || text == kEevdf) {
    if (!args.empty()) {
      return invalid_input(
          "--sched-arg given but the scheduler is EEVDF (built in, no "
          "arguments); pass --scheduler PATH|scx_NAME",
          "--sched-arg");
    }
    return SchedulerSpec{kEevdf, "", {}};
  }
  SchedulerSpec s;
  s.args = args;
  if (text.find('/') == std::string::npos) {
    auto it = fixtures.find(text);
    if (it == fixtures.end()) {
      std::string known;
      for (const auto& [n, p] : fixtures) known += (known.empty() ? "" : ", ") + n;
      return environment_error(
          fmt::format("unknown scheduler '{}': not eevdf, not a path, and not a fixture of the "
                      "chosen kernel ({}); build fixtures with `ktstr kernel build`",
                      text, known.empty() ? "none cached" : known),
          0, "--scheduler");
    }
    s.name = text;
    s.path = it->second;
  } else {
    s.path = text;
    s.name = text.substr(text.rfind('/') + 1);
  }
  struct stat st {};
  if (::stat(s.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      ::access(s.path.c_str(), X_OK) != 0) {
    return invalid_input("scheduler binary is missing or not executable", s.path);
  }
  return s;
}

Result<SchedulerProcess> SchedulerProcess::start(const std::string& path,
                                                 const std::vector<std::string>& args,
                                                 const std::string& log_path) {
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log) return sys_error("cannot create scheduler log", log_path);
  std::vector<std::string> argv{path};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return sys_error("fork failed", path);
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(log.get(), 1);
    ::dup2(log.get(), 2);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  SchedulerProcess p;
  p.pid_ = pid;
  return p;
}

SchedulerProcess::SchedulerProcess(SchedulerProcess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), status_(o.status_) {}

SchedulerProcess& SchedulerProcess::operator=(SchedulerProcess&& o) noexcept {
  if (this != &o) {
    stop();
    pid_ = std::exchange(o.pid_, -1);
    status_ = o.status_;
  }
  return *this;
}

SchedulerProcess::~SchedulerProcess() {
  stop();
}

bool SchedulerProcess::alive() {
  if (pid_ < 0 || status_) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return r == 0;
}

void SchedulerProcess::wait_exit(uint64_t grace_ms) {
  uint64_t deadline = mono_ns() + grace_ms * 1000000ULL;
  while (alive() && mono_ns() < deadline) ::usleep(20 * 1000);
}

void SchedulerProcess::stop(uint64_t grace_ms) {
  if (pid_ < 0 || !alive()) return;
  ::kill(pid_, SIGINT);
  wait_exit(grace_ms);
  if (alive()) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    if (::waitpid(pid_, &st, 0) == pid_) status_ = 128 + SIGKILL;
  }
}

}  // namespace ktstr::sched
