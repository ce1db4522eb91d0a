// Runs the built ktstr binary as a child: captures stdout/stderr and the
// exit status, optionally sends a signal after a delay (Ctrl-C tests).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace ktstr::testing {

struct CliResult {
  int exit_code = -1;  // -1 when killed by a signal
  int term_signal = 0;
  std::string out, err;
};

inline CliResult run_ktstr(const std::vector<std::string>& args, int signal_after_ms = -1,
                           int sig = SIGINT) {
  int out_p[2], err_p[2];
  CliResult r;
  if (pipe2(out_p, O_CLOEXEC) != 0 || pipe2(err_p, O_CLOEXEC) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_p[1], 1);
    dup2(err_p[1], 2);
    std::vector<char*> argv;
    static std::string bin = KTSTR_BINARY;
    argv.push_back(bin.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  ::close(out_p[1]);
  ::close(err_p[1]);
  auto start = std::chrono::steady_clock::now();
  bool signalled = false;
  pollfd fds[2] = {{out_p[0], POLLIN, 0}, {err_p[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    int timeout = 100;
    poll(fds, 2, timeout);
    for (auto& f : fds) {
      if (f.fd < 0 || f.revents == 0) continue;
      char buf[65536];
      ssize_t n = ::read(f.fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(f.fd);
        f.fd = -1;
        --open_fds;
        continue;
      }
      (f.fd == out_p[0] ? r.out : r.err).append(buf, static_cast<size_t>(n));
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    if (signal_after_ms >= 0 && !signalled && ms >= signal_after_ms) {
      kill(pid, sig);
      signalled = true;
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  return r;
}

}  // namespace ktstr::testing
