#include "scenario/dead_runs.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "cgroup/cleanup_text.hpp"
#include "cgroup/layout.hpp"

namespace ktstr::scenario {

DeadRunSweep sweep_dead_runs() {
  DeadRunSweep s;
  if (::geteuid() == 0) {
    auto roots = cgroup::live_cgroup_roots();
    if (roots) {
      s.cgroups = cgroup::cleanup_stale(*roots);
      s.cgroups_swept = true;
    } else {
      s.cgroups.errors.push_back(roots.error());
    }
  }
  s.temp_dirs = vm::remove_stale_temp_dirs();
  return s;
}

std::string render_sweep_text(const DeadRunSweep& s) {
  std::string out;
  if (!s.cgroups.removed.empty()) out += cgroup::render_cleanup_text(s.cgroups);
  for (const auto& t : s.temp_dirs.removed) {
    out += fmt::format("removed temp dir {} (pid {} is gone)\n", t.path, t.pid);
  }
  if (s.cgroups.removed.empty() && s.temp_dirs.removed.empty() && s.cgroups.errors.empty() &&
      s.temp_dirs.errors.empty()) {
    out += "nothing to clean up\n";
  }
  return out;
}

nlohmann::json sweep_to_json(const DeadRunSweep& s) {
  nlohmann::json out = cgroup::cleanup_to_json(s.cgroups);
  out["temp_dirs_removed"] = nlohmann::json::array();
  for (const auto& t : s.temp_dirs.removed) {
    out["temp_dirs_removed"].push_back({{"path", t.path}, {"pid", t.pid}});
  }
  for (const auto& e : s.temp_dirs.errors) out["errors"].push_back(e.describe());
  return out;
}

void sweep_dead_runs_quietly() {
  DeadRunSweep s = sweep_dead_runs();
  size_t killed = 0;
  for (const auto& t : s.cgroups.removed) killed += t.tasks_killed;
  if (!s.cgroups.removed.empty() || !s.temp_dirs.removed.empty()) {
    fmt::print(stderr,
               "ktstr: removed leftovers of dead runs: {} cgroup tree(s) ({} task(s) killed), {} "
               "temp dir(s)\n",
               s.cgroups.removed.size(), killed, s.temp_dirs.removed.size());
  }
  for (const auto& e : s.cgroups.errors) {
    fmt::print(stderr, "ktstr: warning: leftover of a dead run: {}\n", e.describe());
  }
  for (const auto& e : s.temp_dirs.errors) {
    fmt::print(stderr, "ktstr: warning: leftover of a dead run: {}\n", e.describe());
  }
}

}  // namespace ktstr::scenario
