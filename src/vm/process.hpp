// Running helper programs (make, apt-get, objcopy, decompressors) from the
// host side of VM mode, to completion, through sys::Subprocess. Children get
// PR_SET_PDEATHSIG so a killed harness leaves no build behind; they stay in
// our process group so a terminal Ctrl-C reaches them too.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

struct CommandOptions {
  std::string cwd;                     // empty: inherit
  std::string stdin_path;              // empty: /dev/null
  std::string log_path;                // stdout+stderr appended here; empty: inherit
  std::string stdout_path;             // stdout only written (truncated) here; wins over log
  bool capture_stdout = false;         // collect stdout into CommandResult (wins over both)
  bool quiet_stderr = false;           // stderr to /dev/null when no log_path
  std::vector<std::string> extra_env;  // "KEY=VALUE" added to the environment
  // Called about every `heartbeat_ms` while the child runs (progress lines).
  std::function<void(uint64_t elapsed_ms)> heartbeat;
  uint64_t heartbeat_ms = 30000;
};

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal
  int term_signal = 0;
  std::string stdout_text;
  bool ok() const { return exit_code == 0; }
};

// Runs argv[0] (searched in PATH) and waits. Error only when it cannot be
// started (environment error naming the program); a non-zero exit is a
// normal CommandResult.
Result<CommandResult> run_command(const std::vector<std::string>& argv,
                                  const CommandOptions& opts = {});

// argv joined for messages, each word quoted when it has shell specials.
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace ktstr::vm
