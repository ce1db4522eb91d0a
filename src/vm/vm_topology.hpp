// The topology a VM is asked for: the topology layer's NnLlCcTt spec.
#pragma once

#include <string>
#include <string_view>

#include "topology/spec.hpp"
#include "util/result.hpp"

namespace ktstr::vm {

using VmTopology = topo::TopologySpec;

// TopologySpec::parse with the error attributed to --topology.
Result<VmTopology> parse_vm_topology(std::string_view spec);
inline std::string format_vm_topology(const VmTopology& t) {
  return t.to_string();
}

}  // namespace ktstr::vm
