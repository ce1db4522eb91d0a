// Planning without the OS: CpusetSpec -> CPUs, worker counts, and affinity
// intents -> one CPU mask per worker, all against a Topology (so they are
// unit-tested on synthetic topologies).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "scenario/model.hpp"
#include "topology/topology.hpp"

namespace ktstr::scenario {

// The CPUs `spec` selects from `base` (the parent cgroup's CPUs, or the
// machine's usable CPUs at the top level). llc/numa take the LLC's/node's
// CPUs that are in `base`; range/disjoint/overlap split `base` in CPU order
// (topo/cpuset_math.hpp); exact must be a subset of `base`. Errors are
// kInvalidInput naming the spec and what the machine has.
Result<CpuSet> resolve_cpuset(const CpusetSpec& spec, const topo::Topology& topology,
                              const CpuSet& base);

// How many workers a work entry gets in a cgroup with `cgroup_cpus` CPUs:
// `override_workers` (--workers) when given, else spec.num_workers, else
// workers_pct of the CPUs (rounded, at least 1), else one per CPU; then
// rounded up to a multiple of `group_size` (workload::ValidSpec::unit_size).
size_t resolve_worker_count(const WorkDef& w, size_t cgroup_cpus, size_t group_size,
                            std::optional<size_t> override_workers = std::nullopt);

// One mask per worker (nullopt = leave the inherited mask):
//   inherit -> nullopt; exact -> the set; random_subset -> `count` random
//   CPUs of the cgroup (seeded); single_cpu -> worker i on CPU i mod n of
//   the cgroup; llc_aligned -> worker i on the i-th (mod) LLC slice of the
//   cgroup; cross_cgroup -> every CPU of the machine; smt_sibling_pair ->
//   workers 2k and 2k+1 share the k-th (mod) SMT pair inside the cgroup.
// `cgroup_cpus` is the cgroup's effective cpuset (usable CPUs when it has
// none). smt_sibling_pair without SMT siblings in the cgroup is an
// kEnvironment error (declare requires = ["smt"] to skip instead).
Result<std::vector<std::optional<CpuSet>>> resolve_affinity(const workload::AffinityIntent& a,
                                                            size_t workers,
                                                            const CpuSet& cgroup_cpus,
                                                            const topo::Topology& topology,
                                                            uint64_t seed);

// Hold durations of every step (steps empty = one step of the whole
// duration), in nanoseconds.
std::vector<uint64_t> step_durations_ns(const std::vector<Step>& steps, uint64_t duration_ns);

}  // namespace ktstr::scenario
