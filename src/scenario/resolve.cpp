#include "scenario/resolve.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "topology/cpuset_math.hpp"
#include "workload/spec.hpp"

namespace ktstr::scenario {

Result<CpuSet> resolve_cpuset(const CpusetSpec& spec, const topo::Topology& topology,
                              const CpuSet& base) {
  using K = CpusetSpec::Kind;
  const std::string what = "cpuset " + spec.describe();
  auto nonempty = [&](CpuSet s, const std::string& why) -> Result<CpuSet> {
    if (s.empty()) return invalid_input(why, what);
    return s;
  };
  switch (spec.kind) {
    case K::kLlc: {
      auto cpus = topology.llc_cpus(spec.index);
      if (!cpus) return unexpected(with_context(cpus.error(), what));
      return nonempty(topo::intersect(*cpus, base),
                      fmt::format("LLC {} has no CPUs inside the parent's CPUs {}", spec.index,
                                  format_cpu_list(base)));
    }
    case K::kNuma: {
      auto cpus = topology.node_cpus(spec.index);
      if (!cpus) return unexpected(with_context(cpus.error(), what));
      return nonempty(topo::intersect(*cpus, base),
                      fmt::format("NUMA node {} has no CPUs inside the parent's CPUs {}",
                                  spec.index, format_cpu_list(base)));
    }
    case K::kRange: {
      auto r = topo::fraction_range(base, spec.start_frac, spec.end_frac);
      if (!r) return unexpected(with_context(r.error(), what));
      return r;
    }
    case K::kDisjoint: {
      auto r = topo::disjoint_part(base, spec.index, spec.of);
      if (!r) return unexpected(with_context(r.error(), what));
      return r;
    }
    case K::kOverlap: {
      auto r = topo::overlap_part(base, spec.index, spec.of, spec.frac);
      if (!r) return unexpected(with_context(r.error(), what));
      return r;
    }
    case K::kExact: {
      CpuSet outside = topo::subtract(spec.cpus, base);
      if (!outside.empty()) {
        return invalid_input(fmt::format("CPUs {} are not available here (available: {})",
                                         format_cpu_list(outside), format_cpu_list(base)),
                             what);
      }
      return nonempty(spec.cpus, "exact cpuset is empty");
    }
  }
  return invalid_input("unknown cpuset kind", what);
}

size_t resolve_worker_count(const WorkDef& w, size_t cgroup_cpus, size_t group_size,
                            std::optional<size_t> override_workers) {
  size_t n = 0;
  if (override_workers) {
    n = *override_workers;
  } else if (w.spec.num_workers) {
    n = *w.spec.num_workers;
  } else if (w.workers_pct) {
    n = static_cast<size_t>(std::llround(*w.workers_pct * static_cast<double>(cgroup_cpus) / 100));
  } else {
    n = cgroup_cpus;
  }
  n = std::max<size_t>(n, 1);
  group_size = std::max<size_t>(group_size, 1);
  return (n + group_size - 1) / group_size * group_size;
}

namespace {

std::vector<int> as_vector(const CpuSet& s) {
  return {s.begin(), s.end()};
}

Result<std::vector<std::pair<int, int>>> pairs_inside(const topo::Topology& t, const CpuSet& cpus) {
  std::vector<std::pair<int, int>> out;
  for (auto [a, b] : t.smt_pairs()) {
    if (cpus.count(a) && cpus.count(b)) out.emplace_back(a, b);
  }
  if (out.empty()) {
    return environment_error(fmt::format(
        "affinity smt_sibling_pair needs two SMT siblings inside CPUs {}; this machine has {} "
        "thread(s) per core (add requires = [\"smt\"] to skip here)",
        format_cpu_list(cpus), t.threads_per_core()));
  }
  return out;
}

}  // namespace

Result<std::vector<std::optional<CpuSet>>> resolve_affinity(const workload::AffinityIntent& a,
                                                            size_t workers,
                                                            const CpuSet& cgroup_cpus,
                                                            const topo::Topology& topology,
                                                            uint64_t seed) {
  using K = workload::AffinityIntent::Kind;
  KTSTR_TRY(workload::check_affinity(a, true, workload::SpecSource::kScenario));
  std::vector<std::optional<CpuSet>> out(workers);
  if (a.kind != K::kInherit && a.kind != K::kExact && a.kind != K::kCrossCgroup &&
      cgroup_cpus.empty()) {
    return invalid_input("affinity: the cgroup has no CPUs to choose from");
  }
  const auto cpus = as_vector(cgroup_cpus);
  switch (a.kind) {
    case K::kInherit:
      break;
    case K::kExact:
      for (auto& o : out) o = a.cpus;
      break;
    case K::kRandomSubset: {
      std::mt19937_64 rng(seed);
      auto pool = cpus;
      for (auto& o : out) {
        std::shuffle(pool.begin(), pool.end(), rng);
        const size_t take = std::min(a.count, pool.size());
        o = CpuSet(pool.begin(), pool.begin() + static_cast<long>(take));
      }
      break;
    }
    case K::kSingleCpu:
      for (size_t i = 0; i < workers; ++i) out[i] = CpuSet{cpus[i % cpus.size()]};
      break;
    case K::kLlcAligned: {
      auto slices = topology.split_by_llc(cgroup_cpus);
      if (slices.empty()) slices.push_back(cgroup_cpus);
      for (size_t i = 0; i < workers; ++i) out[i] = slices[i % slices.size()];
      break;
    }
    case K::kCrossCgroup:
      for (auto& o : out) o = topology.all_cpus();
      break;
    case K::kSmtSiblingPair: {
      auto pairs = pairs_inside(topology, cgroup_cpus);
      if (!pairs) return unexpected(pairs.error());
      for (size_t i = 0; i < workers; ++i) {
        auto [x, y] = (*pairs)[(i / 2) % pairs->size()];
        out[i] = CpuSet{x, y};
      }
      break;
    }
  }
  return out;
}

std::vector<uint64_t> step_durations_ns(const std::vector<Step>& steps, uint64_t duration_ns) {
  if (steps.empty()) return {duration_ns};
  uint64_t taken = 0;
  size_t shares = 0;
  std::vector<uint64_t> out(steps.size(), 0);
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& h = steps[i].hold;
    if (h.kind == Hold::Kind::kFixed) out[i] = h.fixed_ns;
    if (h.kind == Hold::Kind::kFraction) {
      out[i] = static_cast<uint64_t>(std::llround(h.fraction * static_cast<double>(duration_ns)));
    }
    if (h.kind == Hold::Kind::kShare) ++shares;
    taken += out[i];
  }
  const uint64_t left = taken < duration_ns ? duration_ns - taken : 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].hold.kind == Hold::Kind::kShare) out[i] = left / shares;
  }
  return out;
}

}  // namespace ktstr::scenario
