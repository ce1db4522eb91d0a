#include "workload/admission.hpp"

#include <random>

#include "util/check.hpp"
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

// One mask per worker from the intents that need no topology (the rules
// were checked by validate_work_spec; the scenario engine resolves the rest).
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
  if (a.kind == K::kExact) {
    for (auto& o : out) o = a.cpus;
  } else if (a.kind == K::kRandomSubset) {
    std::vector<int> pool(a.from.begin(), a.from.end());
    std::mt19937_64 rng(seed);
    for (auto& o : out) {
      std::shuffle(pool.begin(), pool.end(), rng);
      size_t take = std::min(a.count, pool.size());
      o = CpuSet(pool.begin(), pool.begin() + static_cast<long>(take));
    }
  }
  return out;
}

Result<GroupPlan> plan_group(ValidSpec v, size_t group_idx, uint64_t seed) {
  KTSTR_CHECK(v.spec.num_workers.has_value(), "plan_group needs a worker count");
  GroupPlan g;
  g.group_idx = group_idx;
  g.def = v.def;
  g.num_workers = *v.spec.num_workers;
  g.unit_size = v.unit_size;
  g.units = g.unit_size == 0 ? 0 : g.num_workers / g.unit_size;
  g.shared_per_unit = (v.def->shared_bytes(v.params) + 63) / 64 * 64;
  g.pipes_per_unit = v.def->pipes_per_unit(v.params);
  auto cpus = resolve_affinity(v.spec, g.num_workers, group_label(group_idx, v.def->name),
                               seed + group_idx);
  if (!cpus) return unexpected(cpus.error());
  g.worker_cpus = std::move(*cpus);
  g.params = std::move(v.params);
  g.spec = std::move(v.spec);
  return g;
}

}  // namespace

Result<std::vector<ValidSpec>> validate_config(const WorkloadConfig& config, SpawnKind kind) {
  std::vector<ValidSpec> out;
  const auto specs = groups_of(config);
  for (size_t i = 0; i < specs.size(); ++i) {
    SpecContext ctx;
    ctx.clone_mode = config.clone_mode;
    ctx.spawn_kind = kind;
    ctx.label = group_label(i, specs[i].work.name);
    auto v = validate_work_spec(specs[i], ctx);
    if (!v) return unexpected(v.error());
    out.push_back(std::move(*v));
  }
  return out;
}

Result<std::vector<GroupPlan>> plan_groups(std::vector<ValidSpec> groups, uint64_t seed) {
  std::vector<GroupPlan> plans;
  for (size_t i = 0; i < groups.size(); ++i) {
    auto g = plan_group(std::move(groups[i]), i, seed);
    if (!g) return unexpected(g.error());
    plans.push_back(std::move(*g));
  }
  return plans;
}

Result<std::vector<GroupPlan>> plan_workload(const WorkloadConfig& config, SpawnKind kind) {
  auto groups = validate_config(config, kind);
  if (!groups) return unexpected(groups.error());
  return plan_groups(std::move(*groups), 0x6b747374);
}

}  // namespace ktstr::workload
