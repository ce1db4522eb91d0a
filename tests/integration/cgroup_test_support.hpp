// Helpers for the cgroup integration tests: preconditions, a sleeping child
// process that is always reaped, and /proc readers.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <sstream>
#include <string>

#include "cgroup/layout.hpp"
#include "cgroup/manager.hpp"
#include "cgroup/path.hpp"
#include "util/file_io.hpp"

namespace ktstr::cgroup::testing {

// Empty when the real cgroupfs can be used, else why not.
inline std::string skip_reason() {
  if (::geteuid() != 0) return "needs root to create cgroups";
  auto layout = detect_cgroup_layout_live();
  if (!layout) return "no usable cgroup layout: " + layout.error().describe();
  return {};
}

#define KTSTR_CGROUP_PRECONDITIONS()                           \
  do {                                                         \
    std::string why = ::ktstr::cgroup::testing::skip_reason(); \
    if (!why.empty()) GTEST_SKIP() << why;                     \
  } while (0)

// A manager on the real cgroupfs with a per-test run name.
inline Result<CgroupManager> make_manager(const std::string& tag) {
  CgroupManager::Options opts;
  opts.run_name = make_run_name(::getpid(), tag);
  opts.timeout_ms = 5000;
  return CgroupManager::create(std::move(opts));
}

// A forked child that sleeps until killed; killed and reaped on scope exit.
class SleepingChild {
 public:
  SleepingChild() {
    pid_ = ::fork();
    if (pid_ == 0) {
      for (;;) ::pause();
    }
  }
  ~SleepingChild() { reap(); }
  SleepingChild(const SleepingChild&) = delete;
  SleepingChild& operator=(const SleepingChild&) = delete;
  pid_t pid() const { return pid_; }
  void reap() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// The cgroup path of `pid` in the hierarchy holding `controller` ("" = v2).
inline std::string proc_cgroup(pid_t pid, std::string_view controller) {
  auto text = read_file(fmt::format("/proc/{}/cgroup", pid));
  if (!text) return "<unreadable>";
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(':');
    size_t b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string ctrls = "," + line.substr(a + 1, b - a - 1) + ",";
    bool match = controller.empty()
                     ? ctrls == ",,"
                     : ctrls.find(fmt::format(",{},", controller)) != std::string::npos;
    if (match) return line.substr(b + 1);
  }
  return "<none>";
}

// Where `pid` is in the hierarchy of `c`, relative to the layout root.
inline std::string cgroup_of(const CgroupManager& m, pid_t pid, Controller c) {
  return proc_cgroup(pid, m.layout().version == 2 ? "" : controller_name(c));
}
// What cgroup_of() says for `rel` of manager `m`.
inline std::string expected_cgroup(const CgroupManager& m, const std::string& rel, Controller c) {
  std::string full = m.path(rel, c);
  return full.substr(m.layout().roots.at(c).size());
}

inline std::string status_field(pid_t pid, const std::string& key) {
  auto text = read_file(fmt::format("/proc/{}/status", pid));
  if (!text) return "<unreadable>";
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      size_t v = line.find_first_not_of(" \t", key.size() + 1);
      return v == std::string::npos ? "" : line.substr(v);
    }
  }
  return "<none>";
}

inline std::string read_trimmed(const std::string& path) {
  auto text = read_file(path);
  if (!text) return "<" + text.error().describe() + ">";
  while (!text->empty() && text->back() == '\n') text->pop_back();
  return *text;
}

inline bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

// Reads one pid written by a child; nullopt after `timeout_ms`.
inline std::optional<pid_t> read_pid(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
  pid_t pid = 0;
  if (::read(fd, &pid, sizeof pid) != static_cast<ssize_t>(sizeof pid)) return std::nullopt;
  return pid;
}

}  // namespace ktstr::cgroup::testing
