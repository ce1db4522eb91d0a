// TEMPORARY: see vm_topology.hpp (replace with ktstr::topo::TopologySpec).
#include "vm/vm_topology.hpp"

#include <cctype>

namespace ktstr::vm {

Result<VmTopology> parse_vm_topology(std::string_view spec) {
  auto bad = [&](const std::string& why) {
    return invalid_input(
        fmt::format("bad topology '{}': {} (expected NnLlCcTt, e.g. 1n2l4c2t)", spec, why),
        "--topology");
  };
  int values[4] = {0, 0, 0, 0};
  constexpr char kUnits[4] = {'n', 'l', 'c', 't'};
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t start = pos;
    long v = 0;
    while (pos < spec.size() && std::isdigit(static_cast<unsigned char>(spec[pos]))) {
      v = v * 10 + (spec[pos] - '0');
      if (v > 4096) return bad("number too large");
      ++pos;
    }
    if (pos == start) return bad(fmt::format("missing number before '{}'", kUnits[i]));
    if (pos >= spec.size() || spec[pos] != kUnits[i]) {
      return bad(fmt::format("expected '{}' after {}", kUnits[i], v));
    }
    if (v < 1) return bad(fmt::format("'{}' must be at least 1", kUnits[i]));
    values[i] = static_cast<int>(v);
    ++pos;
  }
  if (pos != spec.size()) return bad("trailing characters");
  VmTopology t{values[0], values[1], values[2], values[3]};
  if (t.llcs % t.nodes != 0) return bad("LLC count must be a multiple of the node count");
  if (t.cpus() > 256) return bad("more than 256 CPUs");
  return t;
}

std::string format_vm_topology(const VmTopology& t) {
  return fmt::format("{}n{}l{}c{}t", t.nodes, t.llcs, t.cores_per_llc, t.threads_per_core);
}

}  // namespace ktstr::vm
