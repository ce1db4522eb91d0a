// Leftovers of runs that died without tearing down (SIGKILL, crash, OOM
// kill): their cgroup trees, with any task still inside killed first (a
// worker frozen at the time outlives its harness), and their temp dirs.
// Swept at the start of `ktstr run` / `ktstr workload` and by `ktstr
// cleanup`. Only definitely dead runs are touched (see cgroup/cleanup.hpp
// and vm/temp_cleanup.hpp).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cgroup/cleanup.hpp"
#include "vm/temp_cleanup.hpp"

namespace ktstr::scenario {

struct DeadRunSweep {
  bool cgroups_swept = false;  // false when not root (cgroups need root)
  cgroup::CleanupReport cgroups;
  vm::TempCleanupReport temp_dirs;
  bool empty() const {
    return cgroups.removed.empty() && cgroups.errors.empty() && temp_dirs.removed.empty() &&
           temp_dirs.errors.empty();
  }
};

// Cgroup trees under every cgroup mount (root only) and temp dirs under
// $TMPDIR (or /tmp).
DeadRunSweep sweep_dead_runs();

// One line per removed tree or temp dir, "nothing to clean up" when none.
std::string render_sweep_text(const DeadRunSweep& s);
// {"removed": [...], "temp_dirs_removed": [...], "errors": [...]}.
nlohmann::json sweep_to_json(const DeadRunSweep& s);

// At a run's start: sweeps, and when something was left prints one line on
// stderr ("ktstr: removed leftovers of dead runs: ...").
void sweep_dead_runs_quietly();

}  // namespace ktstr::scenario
