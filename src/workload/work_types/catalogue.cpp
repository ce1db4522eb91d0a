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
}

}  // namespace ktstr::workload
