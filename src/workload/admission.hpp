// Admission: turns a WorkloadConfig into validated per-group plans before
// any process, pipe or mapping exists (workload.md "Admission").
#pragma once

#include <optional>
#include <vector>

#include "workload/config.hpp"
#include "workload/params.hpp"
#include "workload/work_type.hpp"

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

enum class SpawnKind { kDirect, kPcomm };

// Validates and plans every group. Errors are kInvalidInput and name the
// group ("group 1 (futex_ping_pong)") and the field.
Result<std::vector<GroupPlan>> plan_workload(const WorkloadConfig& config,
                                             SpawnKind kind = SpawnKind::kDirect);

// Plans one WorkSpec as group `group_idx` (used by plan_workload and pcomm).
Result<GroupPlan> plan_group(const WorkSpec& spec, size_t group_idx, CloneMode mode, SpawnKind kind,
                             uint64_t seed);

}  // namespace ktstr::workload
