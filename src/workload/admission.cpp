#include "workload/admission.hpp"

#include <random>

#include "util/file_io.hpp"

namespace ktstr::workload {
namespace {

std::string group_label(size_t idx, const std::string& type) {
  return fmt::format("group {} ({})", idx, type);
}

Result<std::optional<CpuSet>> node_cpus(int node) {
  auto text = read_file(fmt::format("/sys/devices/system/node/node{}/cpulist", node));
  if (!text) {
    return invalid_input(fmt::format("numa_node {} does not exist on this machine", node));
  }
  auto cpus = parse_cpu_list(*text);
  if (!cpus) return unexpected(cpus.error());
  return std::optional<CpuSet>(*cpus);
}

// Resolves the intents that need no topology; the rest are refused here.
Result<std::vector<std::optional<CpuSet>>> resolve_affinity(const WorkSpec& spec, size_t n,
                                                            const std::string& label,
                                                            uint64_t seed) {
  using K = AffinityIntent::Kind;
  std::vector<std::optional<CpuSet>> out(n);
  const auto& a = spec.affinity;
  if (spec.numa_node) {
    auto cpus = node_cpus(*spec.numa_node);
    if (!cpus) return unexpected(with_context(cpus.error(), label));
    for (auto& o : out) o = *cpus;
    return out;
  }
  switch (a.kind) {
    case K::kInherit:
      return out;
    case K::kExact:
      if (a.cpus.empty()) {
        return invalid_input("affinity: exact CPU set is empty; list at least one CPU", label);
      }
      for (auto& o : out) o = a.cpus;
      return out;
    case K::kRandomSubset: {
      if (a.from.empty()) return invalid_input("affinity: random_subset pool is empty", label);
      if (a.count == 0) return invalid_input("affinity: random_subset count must be > 0", label);
      std::vector<int> pool(a.from.begin(), a.from.end());
      std::mt19937_64 rng(seed);
      for (auto& o : out) {
        std::shuffle(pool.begin(), pool.end(), rng);
        size_t take = std::min(a.count, pool.size());
        o = CpuSet(pool.begin(), pool.begin() + static_cast<long>(take));
      }
      return out;
    }
    default:
      return invalid_input(
          "affinity: this intent needs topology context (single_cpu, llc_aligned, cross_cgroup, "
          "smt_sibling_pair); run it through a scenario, which resolves it against the topology "
          "and the cgroup's cpuset",
          label);
  }
}

}  // namespace

Result<GroupPlan> plan_group(const WorkSpec& spec, size_t group_idx, CloneMode mode, SpawnKind kind,
                             uint64_t seed) {
  const auto& reg = WorkTypeRegistry::instance();
  const WorkTypeDef* def = reg.find(spec.work.name);
  std::string label = group_label(group_idx, spec.work.name);
  if (def == nullptr) {
    return invalid_input(fmt::format("work type '{}' does not exist; did you mean '{}'? "
                                     "(`ktstr list work-types` shows all)",
                                     spec.work.name, reg.nearest(spec.work.name)),
                         fmt::format("group {}", group_idx));
  }
  auto params = resolve_params(def->name, def->params, spec.work.params);
  if (!params) return unexpected(with_context(params.error(), label));
  if (auto st = def->validate(*params); !st) return unexpected(with_context(st.error(), label));
  if (!spec.num_workers) {
    return invalid_input("num_workers is required for composed groups; set it explicitly", label);
  }
  GroupPlan g;
  g.group_idx = group_idx;
  g.def = def;
  g.spec = spec;
  g.num_workers = *spec.num_workers;
  g.unit_size = def->group_size(*params);
  if (g.unit_size > 1 && (g.num_workers == 0 || g.num_workers % g.unit_size != 0)) {
    return invalid_input(
        fmt::format("num_workers={} but {} runs in units of {} cooperating workers; use a "
                    "positive multiple of {}",
                    g.num_workers, def->name, g.unit_size, g.unit_size),
        label);
  }
  if (mode == CloneMode::kThread && !def->thread_ok) {
    return invalid_input(fmt::format("clone_mode=thread is not allowed: {}", def->restriction),
                         label);
  }
  if (mode == CloneMode::kFork && !def->fork_ok && kind == SpawnKind::kDirect) {
    return invalid_input(fmt::format("clone_mode=fork is not allowed: {}", def->restriction),
                         label);
  }
  if (kind == SpawnKind::kPcomm && !def->pcomm_ok) {
    return invalid_input(fmt::format("pcomm is not allowed: {}", def->restriction), label);
  }
  g.units = g.unit_size == 0 ? 0 : g.num_workers / g.unit_size;
  g.shared_per_unit = (def->shared_bytes(*params) + 63) / 64 * 64;
  g.pipes_per_unit = def->pipes_per_unit(*params);
  auto cpus = resolve_affinity(spec, g.num_workers, label, seed + group_idx);
  if (!cpus) return unexpected(cpus.error());
  g.worker_cpus = std::move(*cpus);
  g.params = std::move(*params);
  return g;
}

Result<std::vector<GroupPlan>> plan_workload(const WorkloadConfig& config, SpawnKind kind) {
  std::vector<GroupPlan> plans;
  auto primary = plan_group(primary_spec(config), 0, config.clone_mode, kind, 0x6b747374);
  if (!primary) return unexpected(primary.error());
  plans.push_back(std::move(*primary));
  for (size_t i = 0; i < config.composed.size(); ++i) {
    auto g = plan_group(config.composed[i], i + 1, config.clone_mode, kind, 0x6b747374);
    if (!g) return unexpected(g.error());
    plans.push_back(std::move(*g));
  }
  return plans;
}

}  // namespace ktstr::workload
