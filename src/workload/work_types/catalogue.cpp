#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {

void register_builtin_work_types(WorkTypeRegistry& reg) {
  register_cpu_work_types(reg);
  register_futex_work_types(reg);
  register_pipe_work_types(reg);
  register_process_work_types(reg);
  register_epoll_work_types(reg);
  register_custom_work_types(reg);
  register_cache_work_types(reg);
  register_sched_work_types(reg);
  register_rt_work_types(reg);
  register_memory_work_types(reg);
  register_cgroup_work_types(reg);
  register_timer_work_types(reg);
  register_alu_work_types(reg);
  register_io_work_types(reg);
  register_schbench_work_types(reg);
}

}  // namespace ktstr::workload
