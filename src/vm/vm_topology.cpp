#include "vm/vm_topology.hpp"

namespace ktstr::vm {

Result<VmTopology> parse_vm_topology(std::string_view spec) {
  auto t = topo::TopologySpec::parse(spec);
  if (!t) return unexpected(with_context(t.error(), "--topology"));
  return *t;
}

}  // namespace ktstr::vm
