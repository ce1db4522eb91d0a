// TEMPORARY minimal topology spec for VM mode.
//
// To be replaced by ktstr::topo::TopologySpec (src/topology) once it lands
// on main: the field names match that type on purpose, so swapping means
// `using VmTopology = topo::TopologySpec;` plus replacing the two functions
// below with TopologySpec::parse / its formatter. Nothing outside src/vm and
// src/cli/vm_flags.cpp uses this header.
#pragma once

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr::vm {

struct VmTopology {
  int nodes = 1;  // NUMA nodes
  int llcs = 1;   // LLCs in total (a multiple of nodes)
  int cores_per_llc = 1;
  int threads_per_core = 1;  // SMT width

  int cpus() const { return llcs * cores_per_llc * threads_per_core; }
  int llcs_per_node() const { return llcs / nodes; }
  bool operator==(const VmTopology&) const = default;
};

// Parses "NnLlCcTt", e.g. "1n2l4c2t". Errors name the spec and the rule.
Result<VmTopology> parse_vm_topology(std::string_view spec);
// Inverse of parse_vm_topology.
std::string format_vm_topology(const VmTopology& t);

}  // namespace ktstr::vm
