#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {

void register_schbench_work_types(WorkTypeRegistry& /*reg*/) {}

}  // namespace ktstr::workload
