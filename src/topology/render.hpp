// Renderers for a Topology: the human text and the JSON document of
// `ktstr topo` (also what the guest init reports about the guest). The JSON
// layout is documented in docs/topology.md and kept stable.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "topology/topology.hpp"

namespace ktstr::topo {

// Multi-line summary: spec, CPUs, SMT, LLCs, nodes (CPUs, memory) and the
// distance matrix. Ends with a newline.
std::string render_text(const Topology& t);

// {"spec", "cpus" (count), "cpu_list", "usable_cpu_list", "threads_per_core",
//  "smt_pairs", "llcs": [{index, cpus, cpu_list, node}],
//  "numa_nodes": [{id, cpus, cpu_list, memory_bytes, distances}],
//  "cpu_info": [{cpu, core_id, package_id, llc, node, siblings}]}
// "spec" is null when the topology is irregular; CPU sets are int arrays
// next to their "0-3,5" list strings.
nlohmann::json to_json(const Topology& t);

}  // namespace ktstr::topo
