#include "sched/scheduler.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

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
  sys::SubprocessOptions opts;
  opts.argv.push_back(path);
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.program = path;
  opts.stdout_io = sys::Stdio::file(log_path);
  opts.stderr_io = sys::Stdio::same_as_stdout();
  auto proc = sys::Subprocess::start(std::move(opts));
  if (!proc) return unexpected(proc.error());
  SchedulerProcess p;
  p.proc_ = std::move(*proc);
  return p;
}

SchedulerProcess::SchedulerProcess(SchedulerProcess&& o) noexcept = default;

SchedulerProcess& SchedulerProcess::operator=(SchedulerProcess&& o) noexcept {
  if (this != &o) {
    stop();
    proc_ = std::move(o.proc_);
  }
  return *this;
}

SchedulerProcess::~SchedulerProcess() {
  stop();
}

std::optional<int> SchedulerProcess::exit_status() const {
  const auto& st = proc_.exit_status();
  if (!st) return std::nullopt;
  return st->shell_code();
}

bool SchedulerProcess::alive() {
  return proc_.running();
}

void SchedulerProcess::wait_exit(uint64_t grace_ms) {
  if (proc_.pid() > 0) (void)proc_.wait_for(grace_ms);
}

void SchedulerProcess::stop(uint64_t grace_ms) {
  if (!alive()) return;
  proc_.signal_group(SIGINT);
  wait_exit(grace_ms);
  if (alive()) (void)proc_.kill_and_wait();
}

}  // namespace ktstr::sched
