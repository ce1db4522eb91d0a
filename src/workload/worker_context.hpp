// What a work-type loop sees: its parameters, its place in its cooperating
// unit, the unit's shared memory and pipes, telemetry and the stop flag.
#pragma once

#include <sched.h>

#include <sys/types.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/cpu_list.hpp"
#include "workload/params.hpp"
#include "workload/telemetry.hpp"
#include "workload/work_type.hpp"

namespace ktstr::workload {

// Every blocking wait in a work type uses at most this timeout, so a stop
// request is seen within about this long.
inline constexpr uint64_t kStopPollNs = 100'000'000;

struct WorkerContext {
  const WorkTypeDef* type = nullptr;
  const ParamValues* params = nullptr;
  size_t worker_index = 0;  // global, across groups
  size_t group_idx = 0;
  size_t worker_index_in_group = 0;
  size_t unit_index = 0;  // which cooperating unit of its group
  size_t pos = 0;         // position inside the unit, 0..unit_size-1
  size_t unit_size = 1;
  std::byte* shared = nullptr;  // the unit's MAP_SHARED bytes (zeroed at spawn)
  size_t shared_size = 0;
  std::vector<std::array<int, 2>> pipes;  // the unit's pipes: {read_fd, write_fd}
  Telemetry* tel = nullptr;
  const std::atomic<bool>* stop = nullptr;
  bool thread_mode = false;
  pid_t tid = 0;
  // The mask the worker runs with after settings, read at the start gate.
  // Kept raw: converting to a set costs allocations that most work types
  // never need (a fresh child pays a page fault per heap page it touches).
  cpu_set_t allowed_mask{};
  std::string_view cgroup_dir;  // the worker's cgroup directory, "" when none
  // The run's cgroup tree (cgroup work types stay inside it), or "".
  std::string_view cgroup_root;
  bool cap_sys_nice = false;
  uint64_t seed = 1;  // per-worker seed for work-type randomness

  CpuSet allowed_cpus() const {
    CpuSet out;
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &allowed_mask)) out.insert(c);
    }
    return out;
  }
  bool stopped() const { return stop->load(std::memory_order_relaxed); }
  template <class T>
  T* shared_as(size_t offset = 0) const {
    return reinterpret_cast<T*>(shared + offset);
  }
};

}  // namespace ktstr::workload
