// Helpers for scenario-engine integration tests: preconditions and a scan
// for leftover run trees.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cgroup/layout.hpp"
#include "scenario/requirements.hpp"

namespace ktstr::testing {

// Why scenarios with cgroups cannot run here, or "" when they can.
inline std::string cgroup_engine_unavailable() {
  if (geteuid() != 0) return "needs root to create cgroups";
  auto layout = cgroup::detect_cgroup_layout_live();
  if (!layout) return "no usable cgroup layout: " + layout.error().describe();
  return "";
}

#define KTSTR_SCENARIO_PRECONDITIONS()                                \
  do {                                                                \
    std::string why_ = ::ktstr::testing::cgroup_engine_unavailable(); \
    if (!why_.empty()) GTEST_SKIP() << why_;                          \
  } while (0)

// Run-tree directories named ktstr-<pid> or ktstr-<pid>-* under any cgroup
// mount.
inline std::vector<std::string> run_trees_of(pid_t pid) {
  std::vector<std::string> out;
  auto roots = cgroup::live_cgroup_roots();
  if (!roots) return out;
  const std::string exact = "ktstr-" + std::to_string(pid);
  for (const auto& root : *roots) {
    DIR* d = opendir(root.c_str());
    if (d == nullptr) continue;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n == exact || n.rfind(exact + "-", 0) == 0) out.push_back(root + "/" + n);
    }
    closedir(d);
  }
  return out;
}

}  // namespace ktstr::testing
