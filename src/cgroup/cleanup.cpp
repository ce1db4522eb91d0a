#include "cgroup/cleanup.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cgroup/fs_ops.hpp"
#include "cgroup/path.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::cgroup {
namespace {

bool has_file(const std::string& dir, const char* name) {
  return ::access(fmt::format("{}/{}", dir, name).c_str(), F_OK) == 0;
}

// `dir` and every cgroup below it, parents first.
std::vector<std::string> tree_dirs(const std::string& dir) {
  std::vector<std::string> out{dir};
  for (size_t i = 0; i < out.size(); ++i) {
    auto children = detail::list_subdirs(out[i]);
    if (!children) continue;
    for (const auto& c : *children) out.push_back(fmt::format("{}/{}", out[i], c));
  }
  return out;
}

// SIGKILL to `pid` if it is still listed in `dir`. The pidfd pins the
// process first, so a pid that exited and was reused in between is not hit.
bool kill_if_member(const std::string& dir, pid_t pid) {
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  auto still = detail::read_procs(dir);
  if (!still || std::find(still->begin(), still->end(), pid) == still->end()) return false;
  if (pidfd) return ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0) == 0;
  return ::kill(pid, SIGKILL) == 0;  // no pidfd (before 5.3): the listed pid
}

size_t kill_members(const std::vector<std::string>& dirs) {
  size_t killed = 0;
  for (const auto& d : dirs) {
    auto pids = detail::read_procs(d);
    if (!pids) continue;
    for (pid_t pid : *pids) killed += kill_if_member(d, pid) ? 1 : 0;
  }
  return killed;
}

size_t count_members(const std::vector<std::string>& dirs) {
  size_t n = 0;
  for (const auto& d : dirs) {
    if (auto pids = detail::read_procs(d)) n += pids->size();
  }
  return n;
}

// v1 freezer: FROZEN on the top (it freezes every descendant, so nothing
// forks or exits while the pids are read), SIGKILL to every task, then
// THAWED on every cgroup of the tree (a cgroup frozen on its own stays
// frozen when only its parent thaws), so the kills are delivered.
size_t kill_v1_frozen(const std::vector<std::string>& dirs, uint64_t timeout_ms) {
  const std::string& top = dirs.front();
  (void)detail::write_bounded(top + "/freezer.state", "FROZEN", timeout_ms);
  const uint64_t deadline = mono_ns() + std::min<uint64_t>(timeout_ms, 1000) * 1'000'000;
  while (mono_ns() < deadline) {
    auto state = read_file(top + "/freezer.state");
    if (!state || state->find("FROZEN") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  size_t killed = kill_members(dirs);
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    (void)detail::write_bounded(*it + "/freezer.state", "THAWED", timeout_ms);
  }
  return killed;
}

// Kills every task of the stale tree `dir` and waits (bounded) until the
// tree is empty: v2 cgroup.kill (Linux 5.14+); a v1 freezer tree frozen,
// killed, thawed; anything else killed task by task (a few rounds, for
// children forked meanwhile). Returns how many tasks were signalled.
size_t kill_tree(const std::string& dir, uint64_t timeout_ms) {
  const std::vector<std::string> dirs = tree_dirs(dir);
  size_t killed = 0;
  const size_t before = count_members(dirs);
  if (has_file(dir, "cgroup.kill")) {
    if (detail::write_bounded(dir + "/cgroup.kill", "1", timeout_ms)) killed = before;
  } else if (has_file(dir, "freezer.state")) {
    killed = kill_v1_frozen(dirs, timeout_ms);
  }
  const uint64_t deadline = mono_ns() + timeout_ms * 1'000'000;
  while (count_members(dirs) > 0 && mono_ns() < deadline) {
    killed += kill_members(dirs);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return killed;
}

// Stale trees directly under `roots`: `ktstr-<pid>[-tag]` whose pid is
// definitely gone.
std::vector<RemovedTree> find_stale(const std::vector<std::string>& roots,
                                    const std::string& procfs, std::vector<Error>& errors) {
  std::vector<RemovedTree> out;
  for (const std::string& root : roots) {
    auto names = detail::list_subdirs(root);
    if (!names) {
      if (names.error().err != ENOENT) errors.push_back(names.error());
      continue;
    }
    for (const std::string& name : *names) {
      auto pid = run_name_pid(name);
      if (!pid) continue;
      // Only a definite "no such process" makes a tree stale.
      if (::access(fmt::format("{}/{}", procfs, *pid).c_str(), F_OK) == 0 || errno != ENOENT) {
        continue;
      }
      out.push_back(RemovedTree{fmt::format("{}/{}", root, name), *pid, 0, 0});
    }
  }
  return out;
}

}  // namespace

CleanupReport cleanup_stale(const std::vector<std::string>& roots, const std::string& procfs,
                            uint64_t timeout_ms) {
  CleanupReport report;
  std::vector<RemovedTree> stale = find_stale(roots, procfs, report.errors);
  // Freezer trees first: a task frozen there ignores SIGKILL sent through
  // any other hierarchy until it is thawed.
  std::stable_partition(stale.begin(), stale.end(),
                        [](const RemovedTree& t) { return has_file(t.path, "freezer.state"); });
  for (RemovedTree& tree : stale) tree.tasks_killed = kill_tree(tree.path, timeout_ms);
  for (RemovedTree& tree : stale) {
    const std::string root = tree.path.substr(0, tree.path.rfind('/'));
    Status s =
        detail::remove_tree(tree.path, detail::hierarchy_root(root), timeout_ms, tree.tasks_moved);
    if (s) {
      report.removed.push_back(std::move(tree));
    } else {
      report.errors.push_back(
          with_context(s.error(), fmt::format("stale run of pid {}", tree.pid)));
    }
  }
  return report;
}

}  // namespace ktstr::cgroup
