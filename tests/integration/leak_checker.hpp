// LeakChecker: snapshot of this process's children, fds and mappings;
// `check()` reports anything a test left behind (a child, a zombie, an fd,
// a mapping). Used by every integration test that spawns workers.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ktstr::testing {

// True once `pid` is gone or a zombie (killed, waiting for whoever reaps
// it), polled every 10 ms for up to 5 s.
inline bool dies_soon(pid_t pid) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return true;
    const auto close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size()) {
      const char state = line[close + 2];
      if (state == 'Z' || state == 'X') return true;
    }
    ::usleep(10 * 1000);
  }
  return false;
}

inline std::set<std::string> list_fds() {
  std::set<std::string> out;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return out;
  int self = dirfd(d);
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == ".." || n == std::to_string(self)) continue;
    char target[256] = {};
    std::string path = "/proc/self/fd/" + n;
    ssize_t len = readlink(path.c_str(), target, sizeof target - 1);
    out.insert(n + " -> " + (len > 0 ? std::string(target, static_cast<size_t>(len)) : "?"));
  }
  closedir(d);
  return out;
}

// Pids whose parent is this process (zombies included).
inline std::vector<pid_t> list_children() {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (d == nullptr) return out;
  const pid_t me = getpid();
  while (dirent* e = readdir(d)) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == me) out.push_back(pid);
  }
  closedir(d);
  return out;
}

// Shared mappings only (perms "rw-s"): what the workload engine creates.
// Private mappings come and go with the allocator and thread-stack caches
// (and with ASan's shadow), so counting them would make the check flaky.
inline size_t count_mappings() {
  std::ifstream in("/proc/self/maps");
  size_t n = 0;
  std::string line;
  while (std::getline(in, line)) {
    auto sp = line.find(' ');
    if (sp != std::string::npos && sp + 4 < line.size() && line[sp + 4] == 's') ++n;
  }
  return n;
}

class LeakChecker {
 public:
  LeakChecker() : fds_(list_fds()), maps_(count_mappings()) {}

  // Empty when nothing leaked; otherwise a description for the assertion.
  std::string check(size_t mapping_slack = 0) const {
    std::string out;
    for (pid_t p : list_children()) out += "child " + std::to_string(p) + " still exists; ";
    for (const auto& fd : list_fds()) {
      if (!fds_.count(fd)) out += "fd " + fd + " leaked; ";
    }
    size_t maps = count_mappings();
    if (maps > maps_ + mapping_slack) {
      out += "mappings grew from " + std::to_string(maps_) + " to " + std::to_string(maps) + "; ";
    }
    return out;
  }

 private:
  std::set<std::string> fds_;
  size_t maps_;
};

}  // namespace ktstr::testing
