// What this machine offers, and which of a scenario's requirements (declared
// with `requires = [...]` or implied by what it uses) it lacks. A missing
// requirement makes the scenario skip with the reason, never fail.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cgroup/layout.hpp"
#include "scenario/model.hpp"
#include "topology/topology.hpp"

namespace ktstr::scenario {

struct HostCapabilities {
  bool root = false;
  bool cap_sys_nice = false;
  // The cgroup layout ktstr would use, or why there is none (not root, no
  // cpuset/cpu controller, the cgroupfs not writable).
  std::optional<cgroup::CgroupLayout> cgroup_layout;
  std::string cgroup_problem;
  int cpus = 0;
  int llcs = 0;
  int nodes_with_cpus = 0;
  int threads_per_core = 1;
  // False when the v1 cpu controller does RT group scheduling
  // (cpu.rt_runtime_us exists): a new cgroup has no RT runtime, so a
  // real-time task cannot join it.
  bool rt_in_cgroups = true;

  // Reads the machine (euid, CapEff from <procfs>/self/status, the cgroup
  // layout unless `layout` is given).
  static HostCapabilities probe(const topo::Topology& t,
                                const std::optional<cgroup::CgroupLayout>& layout = std::nullopt,
                                const std::string& procfs = "/proc");
};

// The requirements a scenario implies by what it uses: cgroups, cpusets,
// cpu/memory/pids limits, freeze, payload binaries.
std::vector<Requirement> implied_requirements(const Scenario& s);
// True when the scenario creates cgroups (it implies Requirement kCgroups).
bool needs_cgroups(const Scenario& s);

// Why `r` is not met here ("needs more than one LLC; this machine has 1"),
// or nullopt when it is.
std::optional<std::string> missing_requirement(const Requirement& r, const HostCapabilities& caps);

// The first unmet requirement among the declared and implied ones.
std::optional<std::string> first_missing_requirement(const Scenario& s,
                                                     const HostCapabilities& caps);

}  // namespace ktstr::scenario
