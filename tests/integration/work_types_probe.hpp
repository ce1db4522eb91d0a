// Helpers for work-type integration tests that watch workers from the
// outside while they run (/proc stat fields, policies, cgroups) and check
// admission rejections.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "workload/admission.hpp"
#include "workload/handle.hpp"

namespace ktstr::testing {

inline void sleep_for_ns(uint64_t ns) {
  timespec ts = ns_to_timespec(ns);
  while (nanosleep(&ts, &ts) != 0) {
  }
}

// Field `n` (1-based, as in proc(5)) of /proc/<tid>/stat; the comm field is
// skipped by looking for the last ')'. nullopt when the task is gone.
inline std::optional<long long> proc_stat_field(pid_t tid, int n) {
  auto text = read_file("/proc/" + std::to_string(tid) + "/stat");
  if (!text) return std::nullopt;
  size_t close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(text->substr(close + 2));
  std::string tok;
  for (int field = 3; in >> tok; ++field) {
    if (field == n) return std::stoll(tok);
  }
  return std::nullopt;
}

// Spawns and starts `config`, waits (at most 5 s) until every worker has
// finished an iteration, so the window below covers running loops even on
// a loaded or sanitizer-slowed host, then calls `probe` every `period_ns`
// for about `run_ns` (and at least kMinProbes times, should this process
// be starved) with the worker pids, and collects.
inline Result<std::vector<workload::WorkerReport>> run_and_probe(
    const workload::WorkloadConfig& config, uint64_t run_ns, uint64_t period_ns,
    const std::function<void(const std::vector<pid_t>&)>& probe) {
  auto h = workload::WorkloadHandle::spawn(config);
  if (!h) return unexpected(h.error());
  h->start();
  const uint64_t give_up = mono_ns() + 5'000'000'000ULL;
  for (;;) {
    auto iters = h->snapshot_iterations();
    bool all = true;
    for (uint64_t n : iters) all = all && n > 0;
    if (all || mono_ns() > give_up) break;
    sleep_for_ns(1'000'000);
  }
  constexpr int kMinProbes = 20;
  const uint64_t end = mono_ns() + run_ns;
  for (int n = 0; n < kMinProbes || mono_ns() < end; ++n) {
    probe(h->worker_pids());
    sleep_for_ns(period_ns);
  }
  return h->stop_and_collect();
}

// Tests that disturb the whole machine, or are disturbed by it, run one at a
// time even under ctest -j: nice_sweep at nice -20 leaves others ~1% of a
// CPU, RT tests pin FIFO spinners to the same CPU (two
// at once starve each other's lower tiers), and cgroup migrations crawl
// while FIFO spinners or page-fault churn run (measured here: ~40x slower
// attaches next to page_fault_churn, most likely through the RCU grace
// period each attach waits for). They hold this cross-process mutex: an abstract unix
// socket name, which the kernel frees when the holder exits, so nothing is
// left behind.
class ExclusiveTestMutex {
 public:
  ExclusiveTestMutex() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const char name[] = "ktstr-rt-integration-tests";
    std::memcpy(addr.sun_path + 1, name, sizeof name - 1);
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + sizeof name);
    const uint64_t deadline = mono_ns() + 60'000'000'000ULL;
    while (mono_ns() < deadline) {
      fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0) return;
      if (fd_ >= 0) close(fd_);
      fd_ = -1;
      sleep_for_ns(10'000'000);
    }
  }
  ExclusiveTestMutex(const ExclusiveTestMutex&) = delete;
  ExclusiveTestMutex& operator=(const ExclusiveTestMutex&) = delete;
  ~ExclusiveTestMutex() {
    if (fd_ >= 0) close(fd_);
  }

 private:
  int fd_ = -1;
};

// Asserts that admission rejects `config` as invalid input and that the
// message names `field`.
inline void expect_rejected(const workload::WorkloadConfig& config, const std::string& field) {
  auto plans = workload::plan_workload(config);
  ASSERT_FALSE(plans.has_value()) << "expected a rejection naming " << field;
  EXPECT_EQ(plans.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(plans.error().describe().find(field), std::string::npos) << plans.error().describe();
}

// A temporary cgroup directory (v1 cpu hierarchy on hybrid hosts, else the
// v2 root) removed again at the end. ok() is false when cgroups cannot be
// created here (not root, no cgroupfs); tests skip then.
class TempCgroup {
 public:
  explicit TempCgroup(const std::string& name) {
    for (const char* root : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup"}) {
      std::string base = std::string(root) + "/cgroup.procs";
      if (access(base.c_str(), W_OK) != 0) continue;
      rel_ = "/ktstr-test-" + std::to_string(getpid()) + "-" + name;
      path_ = std::string(root) + rel_;
      controller_ = std::string(root) == "/sys/fs/cgroup/cpu" ? "cpu" : "";
      if (mkdir(path_.c_str(), 0755) == 0) return;
      path_.clear();
    }
  }
  TempCgroup(const TempCgroup&) = delete;
  TempCgroup& operator=(const TempCgroup&) = delete;
  ~TempCgroup() {
    if (path_.empty()) return;
    // Exited workers leave the cgroup asynchronously; retry briefly.
    for (int i = 0; i < 200 && rmdir(path_.c_str()) != 0 && errno == EBUSY; ++i) {
      sleep_for_ns(5'000'000);
    }
  }
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  // Path as /proc/<pid>/cgroup shows it, and the controller naming that
  // line ("" for the v2 line).
  const std::string& rel() const { return rel_; }
  const std::string& controller() const { return controller_; }
  Status add(pid_t pid) const { return write_file(path_ + "/cgroup.procs", std::to_string(pid)); }

 private:
  std::string path_, rel_, controller_;
};

// The cgroup path of `tid` in the hierarchy whose /proc/<tid>/cgroup line
// contains `controller` ("cpu" matches "cpu" exactly, not "cpuacct"; ""
// means the v2 line "0::").
inline std::string cgroup_of(pid_t tid, const std::string& controller) {
  auto text = read_file("/proc/" + std::to_string(tid) + "/cgroup");
  if (!text) return "";
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string ctrls = line.substr(a + 1, b - a - 1);
    if (controller.empty() && ctrls.empty()) return line.substr(b + 1);
    std::istringstream cs(ctrls);
    std::string c;
    while (std::getline(cs, c, ',')) {
      if (c == controller) return line.substr(b + 1);
    }
  }
  return "";
}

inline std::string joined_warnings(const workload::WorkerReport& r) {
  std::string out;
  for (const auto& w : r.warnings) out += (out.empty() ? "" : " | ") + w;
  return out;
}

inline void expect_all_completed(const std::vector<workload::WorkerReport>& reports) {
  for (const auto& r : reports) {
    EXPECT_TRUE(r.completed) << "worker " << r.worker_index << " did not complete";
  }
}

}  // namespace ktstr::testing
