// Internal to sys::Subprocess: what the child does, all of it prepared
// before fork so the child only makes async-signal-safe syscalls.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sys/subprocess.hpp"
#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::sys::detail {

struct ChildPlan {
  std::string program;
  std::vector<std::string> arg_storage, env_storage;
  std::vector<char*> argv, envp;  // null-terminated views of the storage
  std::string cwd;                // empty: stay
  std::string exec_error;         // "ktstr: cannot execute <program>: errno "
  // Sources of the child's fds 0/1/2 (-1: leave as inherited). Every source
  // fd (stdio and kept) sits at or above every target, so no dup2 clobbers
  // a source still to be used.
  int stdio_src[3] = {-1, -1, -1};
  bool stderr_to_stdout = false;
  std::vector<std::pair<int, int>> kept;  // (source, target)
  std::vector<int> keep_sorted;           // 0, 1, 2 and the kept targets
  std::vector<int> open_fds;              // /proc/self/fd just before fork
  int fd_limit = 1024;                    // close loop bound without /proc
  int gate_r = -1, gate_w = -1;
  bool new_process_group = true;
  int death_signal = 0;
  pid_t parent = 0;
};

// Parent-side ends the plan refers to; closed in the parent after fork.
struct PlanFds {
  std::vector<UniqueFd> child_side;
  UniqueFd stdin_pipe, stdout_pipe, stderr_pipe;  // parent's pipe ends
  UniqueFd gate_w;                                // hold pipe write end
};

// Builds the plan (program lookup, argv/envp, files, pipes). Errors carry
// the program name as context.
Result<ChildPlan> prepare_child(SubprocessOptions& opts, PlanFds& fds);

// Lists the calling process's open fds for the close loop, unless the
// kernel has close_range; last step before fork.
void snapshot_open_fds(ChildPlan& plan);

[[noreturn]] void run_child(const ChildPlan& plan);

}  // namespace ktstr::sys::detail
