// Topology <-> TopologySpec comparison: the guest init's check that QEMU
// built the machine the scenario asked for, and the "spec" line of
// `ktstr topo`.
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "topology/topology.hpp"

namespace ktstr::topo {
namespace {

int nodes_with_cpus(const std::vector<NumaNode>& nodes) {
  int n = 0;
  for (const auto& node : nodes) n += node.cpus.empty() ? 0 : 1;
  return n;
}

std::string llc_sizes(const std::vector<Llc>& llcs) {
  std::string out;
  for (const auto& l : llcs) {
    if (!out.empty()) out += ',';
    out += std::to_string(l.cpus.size());
  }
  return out;
}

}  // namespace

bool Topology::matches(const TopologySpec& spec, std::string* why) const {
  std::vector<std::string> diffs;
  auto expect = [&diffs](const char* what, int want, int got) {
    if (want != got) diffs.push_back(fmt::format("{} {} (expected {})", got, what, want));
  };
  expect("CPUs", spec.total_cpus(), num_cpus());
  expect("LLCs", spec.llcs, num_llcs());
  expect("NUMA nodes with CPUs", spec.nodes, nodes_with_cpus(nodes_));
  expect("threads per core", spec.threads_per_core, threads_per_core());
  for (const auto& l : llcs_) {
    if (static_cast<int>(l.cpus.size()) != spec.cpus_per_llc()) {
      diffs.push_back(fmt::format("LLC sizes {} (expected {} CPUs each)", llc_sizes(llcs_),
                                  spec.cpus_per_llc()));
      break;
    }
  }
  if (diffs.empty()) return true;
  if (why != nullptr) {
    auto seen = regular_spec();
    *why = fmt::format("topology is not {}: found {}; the machine looks like {}", spec.to_string(),
                       fmt::join(diffs, ", "),
                       seen ? seen->to_string() : std::string("an irregular topology"));
  }
  return false;
}

std::optional<TopologySpec> Topology::regular_spec() const {
  if (cpus_.empty() || nodes_.empty()) return std::nullopt;
  if (nodes_with_cpus(nodes_) != num_nodes()) return std::nullopt;
  const int threads = threads_per_core();
  for (const auto& c : cpus_) {
    if (static_cast<int>(c.siblings.size()) != threads) return std::nullopt;
  }
  const size_t llc_size = llcs_.front().cpus.size();
  std::map<int, int> llcs_per_node;
  for (const auto& l : llcs_) {
    if (l.cpus.size() != llc_size) return std::nullopt;
    for (int cpu : l.cpus) {
      if (*node_of(cpu) != l.node) return std::nullopt;
    }
    ++llcs_per_node[l.node];
  }
  if (llc_size % static_cast<size_t>(threads) != 0) return std::nullopt;
  std::set<int> per_node_counts;
  for (const auto& [node, count] : llcs_per_node) per_node_counts.insert(count);
  if (per_node_counts.size() != 1 || static_cast<int>(llcs_per_node.size()) != num_nodes()) {
    return std::nullopt;
  }
  return TopologySpec{num_nodes(), num_llcs(), static_cast<int>(llc_size) / threads, threads};
}

}  // namespace ktstr::topo
