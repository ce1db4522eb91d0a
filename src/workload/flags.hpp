// The flags of `ktstr workload` as plain strings, and their conversion into
// one validated work group. The CLI binds its options straight to a
// WorkloadFlags; every rule lives here and in spec.cpp, so errors name the
// flag (`--param`, `--policy`, `--affinity`, `--clone-mode`) whatever calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "workload/handle.hpp"
#include "workload/spec.hpp"

namespace ktstr::workload {

struct WorkloadFlags {
  std::string type = "spin_wait";
  size_t workers = 1;
  std::string clone_mode = "fork";
  std::vector<std::string> params;  // key=value each
  std::string policy;               // parse_sched_policy syntax; empty: normal
  std::optional<int> nice;
  std::string affinity;  // CPU list; empty: no pinning
  std::string duration = "5s";
  std::vector<std::string> allow_devices;  // --allow-device (io_devices.hpp)
};

// The flags as one validated work group (label "group 0 (TYPE)"), how to
// spawn it and for how long. kInvalidInput errors carry the flag as context;
// --duration is checked first. Sets the process's device allowance from
// --allow-device before the spec is validated. With `machine`, --affinity
// must name CPUs it has.
struct FlagsWorkload {
  ValidSpec group;
  SpawnOptions spawn;
  uint64_t duration_ns = 0;
};
Result<FlagsWorkload> spec_from_flags(const WorkloadFlags& f,
                                      const MachineShape* machine = nullptr);

}  // namespace ktstr::workload
