#include "vm/process.hpp"

#include <optional>

#include "sys/subprocess.hpp"
#include "util/clock.hpp"

namespace ktstr::vm {

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

// Heartbeat resolution: how often a running command is looked at.
constexpr uint64_t kTickMs = 200;

sys::SubprocessOptions subprocess_options(const std::vector<std::string>& argv,
                                          const CommandOptions& opts) {
  sys::SubprocessOptions so;
  so.argv = argv;
  so.cwd = opts.cwd;
  so.env_overrides = opts.extra_env;
  so.new_process_group = false;
  if (!opts.stdin_path.empty()) so.stdin_io = sys::Stdio::file(opts.stdin_path);
  const bool log = !opts.log_path.empty();
  if (opts.capture_stdout) {
    so.stdout_io = sys::Stdio::pipe();
  } else if (!opts.stdout_path.empty()) {
    so.stdout_io = sys::Stdio::file(opts.stdout_path);
  } else if (log) {
    so.stdout_io = sys::Stdio::file(opts.log_path, true);
  }
  if (log) {
    so.stderr_io =
        so.stdout_io.kind == sys::Stdio::Kind::kFile && so.stdout_io.path == opts.log_path
            ? sys::Stdio::same_as_stdout()
            : sys::Stdio::file(opts.log_path, true);
  } else if (opts.quiet_stderr) {
    so.stderr_io = sys::Stdio::null();
  }
  return so;
}

}  // namespace

Result<CommandResult> run_command(const std::vector<std::string>& argv,
                                  const CommandOptions& opts) {
  if (argv.empty()) return invalid_input("empty command");
  auto proc = sys::Subprocess::start(subprocess_options(argv, opts));
  if (!proc) {
    if (proc.error().kind != ErrorKind::kEnvironment) return unexpected(proc.error());
    return environment_error(
        fmt::format("'{}' not found in PATH; install it (scripts/setup)", argv[0]));
  }
  CommandResult res;
  if (proc->stdout_fd() >= 0) res.stdout_text = sys::read_to_eof(proc->stdout_fd());
  uint64_t start_ns = mono_ns();
  uint64_t next_beat_ms = opts.heartbeat_ms;
  std::optional<sys::ExitStatus> st;
  while (opts.heartbeat && !(st = proc->wait_for(kTickMs))) {
    uint64_t elapsed_ms = (mono_ns() - start_ns) / 1000000;
    if (elapsed_ms >= next_beat_ms) {
      opts.heartbeat(elapsed_ms);
      next_beat_ms += opts.heartbeat_ms;
    }
  }
  if (!st) st = proc->wait();
  res.exit_code = st->exit_code;
  res.term_signal = st->signal;
  return res;
}

}  // namespace ktstr::vm
