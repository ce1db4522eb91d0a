// sys::Subprocess: the one fork+exec seam of ktstr (scheduler binaries,
// payloads, QEMU, host tools, guest commands). Work types that fork as their
// workload do not use it: their children never exec.
//
// Contract of a started child:
//  - it inherits fds 0/1/2 (as configured) and the fds named in
//    SubprocessOptions::keep_fds, nothing else;
//  - it runs in its own process group unless told otherwise, so
//    signal_group() reaches everything it spawned;
//  - it gets PR_SET_PDEATHSIG (SIGKILL by default) and exits at once when
//    its parent died before the signal was armed (the kernel sends it when
//    the *thread* that called start() exits: start long-lived children
//    from a thread that outlives them);
//  - its signal mask is empty and every signal has its default action;
//  - everything that allocates (argv/envp, path lookup, opening files) runs
//    before fork; the child makes async-signal-safe syscalls only and, when
//    exec fails, writes "ktstr: cannot execute <path>: errno N" to its
//    stderr and _exit(127)s.
// A Subprocess still running when destroyed is killed (its group too) and
// reaped (bounded: see kill_and_wait), so no child or zombie outlives its
// owner. Signals go through the pidfd while the child is unreaped; its
// group is signalled only while the group id cannot have been reused.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::sys {

// The full path of program `name`: a name containing '/' is taken as is
// (relative to the current directory), any other name is searched in $PATH
// (an empty entry means "."; unset PATH means
// /usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin). The result is an
// executable regular file. Error (kEnvironment, context = name) otherwise.
Result<std::string> find_in_path(std::string_view name);
// Same, searching the colon-separated directory list `path_list`.
Result<std::string> find_in_path(std::string_view name, std::string_view path_list);

// Where one of the child's standard streams goes.
struct Stdio {
  enum class Kind {
    kInherit,  // the parent's fd
    kNull,     // /dev/null
    kFile,     // `path`, created 0644, truncated or appended
    kPipe,     // a pipe whose other end the parent holds (read end for
               // stdout/stderr, write end for stdin)
    kStdout,   // stderr only: the same open file as the child's stdout
  };
  Kind kind = Kind::kInherit;
  std::string path;     // kFile; for stdin the file is opened read-only
  bool append = false;  // kFile: O_APPEND instead of O_TRUNC

  static Stdio inherit() { return {}; }
  static Stdio null() { return {Kind::kNull, {}, false}; }
  static Stdio file(std::string p, bool append_to = false) {
    return {Kind::kFile, std::move(p), append_to};
  }
  static Stdio pipe() { return {Kind::kPipe, {}, false}; }
  static Stdio same_as_stdout() { return {Kind::kStdout, {}, false}; }
};

// A parent fd the child keeps, as `child_fd` (-1: the same number).
struct KeptFd {
  int parent_fd = -1;
  int child_fd = -1;
};

struct SubprocessOptions {
  std::vector<std::string> argv;  // argv[0] is the program; must not be empty
  // The file to execute (relative to our directory); empty:
  // find_in_path(argv[0]), a relative argv[0] with '/' taken from `cwd`.
  std::string program;
  std::string cwd;  // empty: inherit
  // Environment: the parent's plus `env_overrides` ("KEY=VALUE", replacing
  // an inherited KEY), or exactly `exact_env` when set.
  std::vector<std::string> env_overrides;
  std::optional<std::vector<std::string>> exact_env;
  Stdio stdin_io = Stdio::null();
  Stdio stdout_io = Stdio::inherit();
  Stdio stderr_io = Stdio::inherit();
  std::vector<KeptFd> keep_fds;
  bool new_process_group = true;
  int death_signal = SIGKILL;  // PR_SET_PDEATHSIG signal; 0: none
  // The child stops before exec until release(), so the parent can place
  // it (e.g. into a cgroup) before it runs any code; never released, it is
  // killed without having run.
  bool hold_until_released = false;
};

// How a child ended.
struct ExitStatus {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // terminating signal; 0 when it exited
  bool ok() const { return signal == 0 && exit_code == 0; }
  // The shell's convention: the exit code, or 128 + signal.
  int shell_code() const { return signal != 0 ? 128 + signal : exit_code; }
  // "exited with status N" / "killed by signal N".
  std::string describe() const;
  static ExitStatus from_wait_status(int status);
};

// A started child process. Move-only; see the contract above.
class Subprocess {
 public:
  // Errors name the program in their context. kEnvironment exactly when the
  // program is not found or not executable (find_in_path); kInvalidInput for
  // bad options; kRuntime for files that cannot be opened, pipe/fork.
  static Result<Subprocess> start(SubprocessOptions opts);

  Subprocess() = default;
  Subprocess(Subprocess&& o) noexcept;
  Subprocess& operator=(Subprocess&& o) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  // Process group id (== pid) when new_process_group, else 0.
  pid_t pgid() const { return pgid_; }
  // Readable when the child has exited (pidfd); -1 when the kernel has none.
  int pidfd() const { return pidfd_.get(); }
  // The parent's ends of kPipe streams (-1 when not a pipe).
  int stdin_fd() const { return stdin_pipe_.get(); }
  int stdout_fd() const { return stdout_pipe_.get(); }
  int stderr_fd() const { return stderr_pipe_.get(); }
  UniqueFd take_stdin() { return std::move(stdin_pipe_); }
  UniqueFd take_stdout() { return std::move(stdout_pipe_); }
  UniqueFd take_stderr() { return std::move(stderr_pipe_); }

  // Lets a hold_until_released child go on to exec. Idempotent.
  void release();

  // Reaps without blocking; the status once the child has exited.
  std::optional<ExitStatus> poll();
  bool running() { return pid_ > 0 && !poll(); }
  // Waits up to `timeout_ms` for the child to exit; nullopt on timeout.
  std::optional<ExitStatus> wait_for(uint64_t timeout_ms);
  // Waits without limit.
  ExitStatus wait();
  // The recorded status; nullopt while running (or never started).
  const std::optional<ExitStatus>& exit_status() const { return status_; }

  // Sends `sig` to the child (by pidfd) and, with its own group, to the
  // whole group (killpg). Without new_process_group, a child that made
  // itself a group leader (setsid) has that group signalled. No-op once the
  // leader is reaped (pid reuse): group members that outlive their leader
  // are not reached then.
  void signal_group(int sig);
  // SIGKILL to the group, then reaps the leader, waiting at most
  // kKillReapTimeoutMs. A leader still there by then is given up (status:
  // killed by SIGKILL) and stuck_evidence() says where it was stuck.
  ExitStatus kill_and_wait();
  static constexpr uint64_t kKillReapTimeoutMs = 5000;
  // Empty unless kill_and_wait gave up: state, wchan and kernel stack.
  const std::string& stuck_evidence() const { return stuck_evidence_; }

 private:
  void reset();

  pid_t pid_ = -1;
  pid_t pgid_ = 0;
  UniqueFd pidfd_;
  UniqueFd gate_;  // write end of the hold pipe
  UniqueFd stdin_pipe_, stdout_pipe_, stderr_pipe_;
  std::optional<ExitStatus> status_;
  std::string stuck_evidence_;
};

// Reads `fd` until EOF into a string (EINTR retried).
std::string read_to_eof(int fd);

}  // namespace ktstr::sys
