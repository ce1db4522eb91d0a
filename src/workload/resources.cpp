// Allocation of the state workers share, done before any fork.
#include <fcntl.h>
#include <unistd.h>

#include "util/worker_path.hpp"
#include "workload/handle_state.hpp"
#include "workload/wakeup.hpp"
#include "workload/worker_context.hpp"

namespace ktstr::workload {

std::vector<int> SharedResources::all_pipe_fds() const {
  std::vector<int> fds;
  for (const auto& g : group_pipes) {
    for (const auto& p : g) {
      fds.push_back(p[0].get());
      fds.push_back(p[1].get());
    }
  }
  return fds;
}

Result<std::shared_ptr<SharedResources>> allocate_resources(std::vector<GroupPlan> plans) {
  auto res = std::make_shared<SharedResources>();
  (void)numa_telemetry_enabled();  // cache before fork: children inherit the answer
  prime_placement_map();           // likewise: wakeup samples classify without sysfs
  for (const auto& g : plans) res->total_workers += g.num_workers;
  res->cap_sys_nice = geteuid() == 0;
  auto counters = SharedMapping::create(std::max<size_t>(res->total_workers, 1) * 8);
  if (!counters) return unexpected(with_context(counters.error(), "iteration counters"));
  res->counters = std::move(*counters);
  for (const auto& g : plans) {
    auto mem = SharedMapping::create(g.units * g.shared_per_unit);
    if (!mem) {
      return unexpected(
          with_context(mem.error(), fmt::format("group {} shared memory", g.group_idx)));
    }
    res->group_mem.push_back(std::move(*mem));
    std::vector<std::array<UniqueFd, 2>> pipes;
    for (size_t i = 0; i < g.units * g.pipes_per_unit; ++i) {
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        return sys_error(
            "pipe2 for inter-worker pipes failed; raise RLIMIT_NOFILE (ulimit -n) "
            "or use fewer workers",
            fmt::format("group {}", g.group_idx));
      }
      pipes.push_back({UniqueFd(fds[0]), UniqueFd(fds[1])});
    }
    res->group_pipes.push_back(std::move(pipes));
  }
  res->plans = std::move(plans);
  return res;
}

void append_unit_pipe_fds(const SharedResources& res, const WorkerSlot& slot,
                          std::vector<int>& out) {
  const GroupPlan& g = res.plans[slot.group_idx];
  const size_t unit = slot.index_in_group / g.unit_size;
  const auto& pipes = res.group_pipes[slot.group_idx];
  for (size_t i = 0; i < g.pipes_per_unit; ++i) {
    const auto& p = pipes[unit * g.pipes_per_unit + i];
    out.push_back(p[0].get());
    out.push_back(p[1].get());
  }
}

KTSTR_WORKER_PATH void fill_context(WorkerContext& ctx, const SharedResources& res,
                                    const WorkerSlot& slot) {
  const GroupPlan& g = res.plans[slot.group_idx];
  ctx.type = g.def;
  ctx.params = &g.params;
  ctx.worker_index = slot.worker_index;
  ctx.group_idx = slot.group_idx;
  ctx.worker_index_in_group = slot.index_in_group;
  ctx.unit_size = g.unit_size;
  ctx.unit_index = slot.index_in_group / g.unit_size;
  ctx.pos = slot.index_in_group % g.unit_size;
  ctx.shared_size = g.shared_per_unit;
  ctx.shared = g.shared_per_unit == 0
                   ? nullptr
                   : res.group_mem[slot.group_idx].data() + ctx.unit_index * g.shared_per_unit;
  ctx.pipes.clear();
  const auto& pipes = res.group_pipes[slot.group_idx];
  for (size_t i = 0; i < g.pipes_per_unit; ++i) {
    const auto& p = pipes[ctx.unit_index * g.pipes_per_unit + i];
    ctx.pipes.push_back({p[0].get(), p[1].get()});
  }
  ctx.seed = 0x5eed0000ULL + slot.worker_index * 7919ULL;
  ctx.cap_sys_nice = res.cap_sys_nice;
  ctx.cgroup_dir = res.cgroup_dir;
  ctx.cgroup_root = res.cgroup_root;
}

}  // namespace ktstr::workload
