// The topology a (guest) kernel reports in sysfs (read by the topology
// layer), reduced to what the VM result document shows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "topology/topology.hpp"
#include "util/result.hpp"
#include "vm/vm_topology.hpp"

namespace ktstr::vm {

struct SeenTopology {
  int cpus = 0;
  int nodes = 0;
  int llcs = 0;
  int cores_per_llc = 0;                   // of the first LLC
  int threads_per_core = 0;                // of the first core
  bool uniform = true;                     // every LLC/core has the same shape
  std::string online;                      // "0-7"
  std::vector<std::string> llc_cpus;       // per LLC, cpu list
  std::vector<std::string> node_cpus;      // per node, cpu list
  std::optional<topo::Topology> topology;  // what was read (absent in tests built by hand)
};

// Reads <sysfs_root>/devices/system/{cpu,node}. The LLC of a CPU is its
// level-3 cache (else its highest-level cache).
Result<SeenTopology> read_seen_topology(const std::string& sysfs_root = "/sys");

// Empty when `seen` has exactly the requested shape, else what differs.
std::string topology_mismatch(const VmTopology& want, const SeenTopology& seen);

nlohmann::json to_json(const SeenTopology& t);

}  // namespace ktstr::vm
