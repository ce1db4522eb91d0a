// Removal of run trees left behind by runs that died (SIGKILL, crash,
// power loss of a VM host process): `ktstr-<pid>[-tag]` directories directly
// under a cgroup root whose pid no longer exists. Tasks still inside (a
// worker frozen when its harness was killed ignores the PR_SET_PDEATHSIG
// SIGKILL until thawed) are killed first, then the tree is removed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::cgroup {

struct RemovedTree {
  std::string path;         // the run-tree directory that was removed
  pid_t pid = 0;            // its (dead) owner
  size_t tasks_killed = 0;  // tasks of the dead run that were SIGKILLed
  size_t tasks_moved = 0;   // tasks that survived the kill, moved out (see below)
};

struct CleanupReport {
  std::vector<RemovedTree> removed;
  std::vector<Error> errors;  // trees (or roots) that could not be fully removed
};

// Looks for stale run trees directly under each of `roots` (cgroup roots,
// e.g. live_cgroup_roots()). A tree is stale when <procfs>/<pid> does not
// exist. Every task in a stale tree is killed (v2: cgroup.kill; v1
// freezer: freeze, kill every task, thaw; otherwise task by task through a
// pidfd) and awaited up to `timeout_ms`; survivors are drained (moved to the
// hierarchy's root cgroup, see detail::hierarchy_root) and the tree removed
// deepest first; live runs' trees are never touched. A root that does not
// exist is skipped silently. `timeout_ms` bounds each write/rmdir/drain.
CleanupReport cleanup_stale(const std::vector<std::string>& roots,
                            const std::string& procfs = "/proc", uint64_t timeout_ms = 5000);

}  // namespace ktstr::cgroup
