// Admission: turns validated groups (spec.hpp) into per-group plans before
// any process, pipe or mapping exists (workload.md "Admission").
#pragma once

#include <optional>
#include <vector>

#include "workload/config.hpp"
#include "workload/spec.hpp"

namespace ktstr::workload {

struct GroupPlan {
  size_t group_idx = 0;
  const WorkTypeDef* def = nullptr;
  ParamValues params;
  WorkSpec spec;  // num_workers always set
  size_t num_workers = 0;
  size_t unit_size = 1;
  size_t units = 0;
  size_t shared_per_unit = 0;  // rounded up to a cache line
  size_t pipes_per_unit = 0;
  // Per worker: the CPU mask to apply, or nullopt to inherit.
  std::vector<std::optional<CpuSet>> worker_cpus;
};

// Every group of a C++ config through validate_work_spec (source kApi,
// context "group <i> (<type>)").
Result<std::vector<ValidSpec>> validate_config(const WorkloadConfig& config,
                                               SpawnKind kind = SpawnKind::kDirect);

// Plans validated groups: units, shared bytes, pipes and one CPU mask per
// worker. Validation is done; what can still fail needs the machine (a
// numa_node the host lacks).
Result<std::vector<GroupPlan>> plan_groups(std::vector<ValidSpec> groups, uint64_t seed);

// validate_config + plan_groups. Errors are kInvalidInput and name the
// group ("group 1 (futex_ping_pong)") and the field.
Result<std::vector<GroupPlan>> plan_workload(const WorkloadConfig& config,
                                             SpawnKind kind = SpawnKind::kDirect);

}  // namespace ktstr::workload
