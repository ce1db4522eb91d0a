// CgroupManager: one run's cgroup tree, created on demand and removed on
// destruction.
//
// A manager owns `<root>/<run name>` (default run name `ktstr-<pid>`) in
// every hierarchy it uses: on cgroup v2 the single unified root; on v1 the
// cpuset and cpu hierarchies, plus the memory, pids or freezer hierarchy
// from the first call that needs it (the whole run tree is then mirrored
// there and its tasks moved in, so limits behave hierarchically). Until
// then tasks stay in whatever memory/pids cgroup they were in.
//
// Cgroups are named by paths relative to the run tree ("a", "a/b"), checked
// with validate_cgroup_path: nothing a scenario file says can touch a
// directory outside the run tree. Every write is bounded (see fs_ops.hpp):
// EBUSY is retried briefly, and anything slower than Options::timeout_ms
// is an error naming the file.
//
// Not thread-safe: one thread drives a manager.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cgroup/layout.hpp"
#include "util/cpu_list.hpp"
#include "util/result.hpp"

namespace ktstr::cgroup {

class CgroupManager {
 public:
  struct Options {
    // Where to build the run tree; nullopt = detect_cgroup_layout_live().
    std::optional<CgroupLayout> layout;
    // Run-tree directory name; empty = make_run_name(getpid()). Must have the
    // form `ktstr-<pid>[-tag]` so cleanup_stale can remove it once that pid is
    // gone; the pid should be a process that outlives the tree.
    std::string run_name;
    // Deadline for each cgroupfs write, rmdir, drain and freeze wait.
    uint64_t timeout_ms = 5000;
  };

  // Creates the run-tree root in every active hierarchy (v2: enabling the
  // controllers in the root's cgroup.subtree_control first; v1: copying the
  // root's cpuset.cpus/mems). Fails if the run tree already exists.
  static Result<CgroupManager> create(Options opts);

  CgroupManager(CgroupManager&& other) noexcept;
  CgroupManager& operator=(CgroupManager&& other) noexcept;
  CgroupManager(const CgroupManager&) = delete;
  CgroupManager& operator=(const CgroupManager&) = delete;
  // teardown(); errors go to stderr.
  ~CgroupManager();

  // Creates `rel` and any missing ancestors; existing ones are kept. v2:
  // enables +cpuset +cpu (and +memory +pids when available) in
  // cgroup.subtree_control along the path; v1: initialises cpuset.cpus/mems
  // of each new cgroup from its parent so tasks can join.
  Status create(const std::string& rel);

  // Restricts `rel` to `cpus` (non-empty) and, when given, memory nodes
  // `mems`. v1 additionally requires cpus ⊆ the parent's and the children's
  // cpus ⊆ the new set (the kernel answers EBUSY/EINVAL otherwise).
  Status set_cpuset(const std::string& rel, const CpuSet& cpus,
                    const std::optional<CpuSet>& mems = std::nullopt);
  // Back to the parent's CPUs and memory nodes: a copy of the parent's
  // effective sets at the time of the call (neither version can make a
  // populated cpuset inherit again).
  Status clear_cpuset(const std::string& rel);
  // The CPUs `rel` may actually use (cpuset.cpus.effective /
  // cpuset.effective_cpus).
  Result<CpuSet> effective_cpus(const std::string& rel) const;

  // cpu.weight in [1, 10000] (100 = default). v1: cpu.shares =
  // round(weight * 1024 / 100), the kernel's own conversion.
  Status set_cpu_weight(const std::string& rel, uint32_t weight);
  // Bandwidth limit: `quota_us` per `period_us` (nullopt quota = unlimited).
  // period_us in [1000, 1000000], quota_us >= 1000. v1: cpu.cfs_quota_us and
  // cpu.cfs_period_us.
  Status set_cpu_max(const std::string& rel, std::optional<uint64_t> quota_us,
                     uint64_t period_us = 100000);
  // memory.max (v1 memory.limit_in_bytes); nullopt = unlimited. kEnvironment
  // error when there is no memory controller.
  Status set_memory_max(const std::string& rel, std::optional<uint64_t> bytes);
  // pids.max; nullopt = unlimited. kEnvironment error without pids controller.
  Status set_pids_max(const std::string& rel, std::optional<uint64_t> max);
  // Freezes (and waits until the kernel reports frozen) or thaws `rel` and
  // its descendants. v2: cgroup.freeze; v1: freezer.state.
  Status freeze(const std::string& rel, bool frozen);

  // Moves whole processes (a thread id moves its thread group) into `rel`.
  Status move_pids(const std::string& rel, const std::vector<pid_t>& pids);
  // Moves every process of `from` (not of its children) into `to`.
  Status move_all(const std::string& from, const std::string& to);
  // Processes directly in `rel` (not in its children).
  Result<std::vector<pid_t>> pids(const std::string& rel) const;

  // Removes `rel` and its descendants, deepest first, after moving their
  // tasks to the hierarchy's root cgroup (tasks keep running). With the
  // default layout that is the run tree's parent; for a layout rooted inside
  // another cgroup it is still the true root, because a v2 cgroup whose
  // children have controllers enabled cannot take tasks.
  Status remove(const std::string& rel);
  // remove() of the whole run tree; idempotent. The manager is unusable after.
  // Does nothing in a process other than the creator (a forked child).
  Status teardown();

  // Directory of `rel` ("" = run-tree root) in the hierarchy of `c`, for
  // display and for reading knobs; "" if there is no such hierarchy. On v1 the
  // directory exists only in hierarchies in use (cpuset and cpu always).
  std::string path(const std::string& rel, Controller c = Controller::kCpuset) const;
  const std::string& run_name() const { return run_name_; }
  const CgroupLayout& layout() const { return layout_; }
  Capabilities capabilities() const { return layout_.capabilities(); }

 private:
  struct Hierarchy {
    std::string base;      // the layout root: the run tree's parent
    std::string drain_to;  // the hierarchy's root cgroup (usually == base)
    std::vector<Controller> controllers;
    bool active = false;  // the run tree exists here and is ours to remove
    bool has(Controller c) const {
      return std::find(controllers.begin(), controllers.end(), c) != controllers.end();
    }
  };

  CgroupManager() = default;
  Status init();
  int hierarchy_of(Controller c) const;
  std::string dir(const Hierarchy& h, const std::string& rel) const;
  Status make_dir(const Hierarchy& h, const std::string& rel);
  Status enable_subtree_controllers(const std::string& dir) const;
  Status activate(Controller c);
  Status write(Controller c, const std::string& rel, const std::string& file,
               const std::string& value);
  Status checked(const std::string& rel) const;

  CgroupLayout layout_;
  std::string run_name_;
  uint64_t timeout_ms_ = 5000;
  std::vector<Hierarchy> hierarchies_;
  // v1: cgroups whose cpu controller knobs we set (weight/max). Elsewhere a
  // realtime task the kernel refuses in the cpu hierarchy (no RT runtime in
  // new cgroups) stays in its current cpu cgroup; see move_pids.
  std::set<std::string> cpu_limited_;
  bool cpu_limited(const std::string& rel) const;
  pid_t owner_pid_ = 0;  // only the creating process tears down
  bool live_ = false;    // the run tree exists and teardown() has not run
};

}  // namespace ktstr::cgroup
