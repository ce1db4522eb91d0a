// What the guest kernel shows in sysfs, via the topology layer, reduced to
// the fields the VM result document reports.
#include "vm/guest_topology.hpp"

#include "topology/topology.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::vm {

Result<SeenTopology> read_seen_topology(const std::string& sysfs_root) {
  auto topo = topo::Topology::from_sysfs(sysfs_root);
  if (!topo) return unexpected(topo.error());
  SeenTopology t;
  t.cpus = topo->num_cpus();
  t.nodes = std::max(1, topo->num_nodes());
  t.llcs = topo->num_llcs();
  t.threads_per_core = topo->threads_per_core();
  t.online = format_cpu_list(topo->all_cpus());
  auto spec = topo->regular_spec();
  t.uniform = spec.has_value();
  t.cores_per_llc =
      spec ? spec->cores_per_llc
           : static_cast<int>(topo->llcs().front().cpus.size()) / std::max(1, t.threads_per_core);
  for (const auto& l : topo->llcs()) t.llc_cpus.push_back(format_cpu_list(l.cpus));
  for (const auto& n : topo->nodes()) t.node_cpus.push_back(format_cpu_list(n.cpus));
  t.topology = *topo;
  return t;
}

std::string topology_mismatch(const VmTopology& want, const SeenTopology& seen) {
  std::string why;
  if (seen.topology && seen.topology->matches(want, &why)) return {};
  if (!seen.topology) return "no topology was read";
  return why.empty() ? "the topology differs" : why;
}

nlohmann::json to_json(const SeenTopology& t) {
  return {{"cpus", t.cpus},
          {"nodes", t.nodes},
          {"llcs", t.llcs},
          {"cores_per_llc", t.cores_per_llc},
          {"threads_per_core", t.threads_per_core},
          {"uniform", t.uniform},
          {"online", t.online},
          {"llc_cpus", t.llc_cpus},
          {"node_cpus", t.node_cpus}};
}

}  // namespace ktstr::vm
