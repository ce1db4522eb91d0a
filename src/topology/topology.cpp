#include "topology/topology.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "topology/cpuset_math.hpp"
#include "topology/presets.hpp"
#include "util/check.hpp"

namespace ktstr::topo {
namespace {

constexpr int kLocalDistance = 10;
constexpr int kRemoteDistance = 20;

std::vector<CpuSet> cpus_of(const std::vector<Llc>& llcs) {
  std::vector<CpuSet> out;
  out.reserve(llcs.size());
  for (const auto& l : llcs) out.push_back(l.cpus);
  return out;
}

std::vector<CpuSet> cpus_of(const std::vector<NumaNode>& nodes) {
  std::vector<CpuSet> out;
  out.reserve(nodes.size());
  for (const auto& n : nodes) out.push_back(n.cpus);
  return out;
}

std::string index_range(int count) {
  if (count <= 0) return "none";
  if (count == 1) return "0";
  return fmt::format("0-{}", count - 1);
}

}  // namespace

Topology Topology::assemble(std::vector<RawCpu> raw, std::vector<NumaNode> nodes) {
  Topology t;
  std::sort(raw.begin(), raw.end(), [](const RawCpu& a, const RawCpu& b) { return a.id < b.id; });
  for (const auto& r : raw) t.all_.insert(r.id);
  std::map<int, CpuSet> packages;
  for (const auto& r : raw) packages[r.package_id].insert(r.id);

  // An LLC is identified by the set of online CPUs sharing it; sorting the
  // distinct sets orders LLCs by their lowest CPU.
  std::vector<CpuSet> keys;
  keys.reserve(raw.size());
  std::set<CpuSet> distinct;
  for (const auto& r : raw) {
    CpuSet key = r.l3.empty() ? packages[r.package_id] : intersect(r.l3, t.all_);
    key.insert(r.id);
    distinct.insert(key);
    keys.push_back(std::move(key));
  }
  std::map<CpuSet, int> llc_index;
  for (const auto& k : distinct) {
    int index = static_cast<int>(llc_index.size());
    llc_index.emplace(k, index);
    t.llcs_.push_back(Llc{index, k, 0});
  }

  t.cpus_.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    auto& r = raw[i];
    CpuSet siblings = intersect(r.siblings, t.all_);
    siblings.insert(r.id);
    t.cpus_.push_back(
        CpuInfo{r.id, r.core_id, r.package_id, llc_index.at(keys[i]), r.node, std::move(siblings)});
  }
  for (auto& llc : t.llcs_) llc.node = *t.node_of(*llc.cpus.begin());
  std::sort(nodes.begin(), nodes.end(),
            [](const NumaNode& a, const NumaNode& b) { return a.id < b.id; });
  t.nodes_ = std::move(nodes);
  return t;
}

Topology Topology::synthetic(const TopologySpec& spec, uint64_t memory_bytes_per_node) {
  KTSTR_CHECK(spec.validate().has_value(), "Topology::synthetic needs a valid spec");
  std::vector<RawCpu> raw;
  std::vector<NumaNode> nodes(static_cast<size_t>(spec.nodes));
  const int per_llc = spec.cpus_per_llc();
  for (int llc = 0; llc < spec.llcs; ++llc) {
    int node = llc / spec.llcs_per_node();
    int llc_in_node = llc % spec.llcs_per_node();
    int first = llc * per_llc;
    CpuSet llc_cpus;
    for (int c = first; c < first + per_llc; ++c) llc_cpus.insert(c);
    for (int core = 0; core < spec.cores_per_llc; ++core) {
      int core_first = first + core * spec.threads_per_core;
      CpuSet siblings;
      for (int th = 0; th < spec.threads_per_core; ++th) siblings.insert(core_first + th);
      for (int th = 0; th < spec.threads_per_core; ++th) {
        raw.push_back(RawCpu{core_first + th, llc_in_node * spec.cores_per_llc + core, node, node,
                             siblings, llc_cpus});
      }
    }
  }
  for (int n = 0; n < spec.nodes; ++n) {
    auto& node = nodes[static_cast<size_t>(n)];
    node.id = n;
    node.memory_bytes = memory_bytes_per_node;
    int first = n * spec.cpus_per_node();
    for (int c = first; c < first + spec.cpus_per_node(); ++c) node.cpus.insert(c);
    for (int m = 0; m < spec.nodes; ++m) {
      node.distances.push_back(m == n ? kLocalDistance : kRemoteDistance);
    }
  }
  return assemble(std::move(raw), std::move(nodes));
}

int Topology::threads_per_core() const {
  size_t most = 1;
  for (const auto& c : cpus_) most = std::max(most, c.siblings.size());
  return static_cast<int>(most);
}

CpuSet Topology::usable_cpus() const {
  return usable_subset(all_);
}

Result<CpuSet> Topology::llc_cpus(int index) const {
  if (index < 0 || index >= num_llcs()) {
    return invalid_input(fmt::format("LLC {} does not exist; this topology has {} LLC(s): {}",
                                     index, num_llcs(), index_range(num_llcs())));
  }
  return llcs_[static_cast<size_t>(index)].cpus;
}

Result<CpuSet> Topology::node_cpus(int node_id) const {
  for (const auto& n : nodes_) {
    if (n.id == node_id) return n.cpus;
  }
  CpuSet ids;
  for (const auto& n : nodes_) ids.insert(n.id);
  return invalid_input(fmt::format("NUMA node {} does not exist; this topology has node(s) {}",
                                   node_id, format_cpu_list(ids)));
}

namespace {

template <class Cpus>
auto find_cpu(const Cpus& cpus, int cpu) {
  auto it = std::lower_bound(cpus.begin(), cpus.end(), cpu,
                             [](const CpuInfo& c, int id) { return c.id < id; });
  return (it != cpus.end() && it->id == cpu) ? &*it : nullptr;
}

}  // namespace

Result<CpuSet> Topology::smt_siblings(int cpu) const {
  KTSTR_TRY(llc_of(cpu));
  return find_cpu(cpus_, cpu)->siblings;
}

Result<int> Topology::llc_of(int cpu) const {
  const CpuInfo* c = find_cpu(cpus_, cpu);
  if (c == nullptr) {
    return invalid_input(
        fmt::format("CPU {} is not online; online CPUs are {}", cpu, format_cpu_list(all_)));
  }
  return c->llc;
}

Result<int> Topology::node_of(int cpu) const {
  KTSTR_TRY(llc_of(cpu));
  return find_cpu(cpus_, cpu)->node;
}

std::vector<std::pair<int, int>> Topology::smt_pairs() const {
  std::vector<std::pair<int, int>> out;
  for (const auto& c : cpus_) {
    if (c.siblings.size() >= 2 && *c.siblings.begin() == c.id) {
      out.emplace_back(c.id, *std::next(c.siblings.begin()));
    }
  }
  return out;
}

Result<CpuSet> Topology::disjoint(int index, int of) const {
  return disjoint_part(usable_cpus(), index, of);
}

Result<CpuSet> Topology::overlap(int index, int of, double frac) const {
  return overlap_part(usable_cpus(), index, of, frac);
}

Result<CpuSet> Topology::range(double start_frac, double end_frac) const {
  return fraction_range(usable_cpus(), start_frac, end_frac);
}

Result<CpuSet> Topology::llc_aligned(int index, int of) const {
  return group_part(split_by_groups(cpus_of(llcs_), usable_cpus()), index, of, "LLC");
}

Result<CpuSet> Topology::numa_aligned(int index, int of) const {
  return group_part(split_by_groups(cpus_of(nodes_), usable_cpus()), index, of, "NUMA node");
}

std::vector<CpuSet> Topology::split_by_llc(const CpuSet& cpus) const {
  return split_by_groups(cpus_of(llcs_), cpus);
}

std::vector<CpuSet> Topology::split_by_node(const CpuSet& cpus) const {
  return split_by_groups(cpus_of(nodes_), cpus);
}

Result<Topology> host_or_synthetic(const std::string& spec, const std::string& sysfs_root) {
  if (spec.empty()) return Topology::from_sysfs(sysfs_root);
  if (const Preset* p = find_preset(spec)) return Topology::synthetic(p->spec);
  auto parsed = TopologySpec::parse(spec);
  if (!parsed) return unexpected(parsed.error());
  return Topology::synthetic(*parsed);
}

}  // namespace ktstr::topo
