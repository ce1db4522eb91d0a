// One registration function per work-type family (one source file each
// under work_types/). Adding a family = one declaration here and one call
// in catalogue.cpp.
#pragma once

namespace ktstr::workload {

class WorkTypeRegistry;

void register_builtin_work_types(WorkTypeRegistry& reg);

void register_cpu_work_types(WorkTypeRegistry& reg);      // spin, yield, mixed, bursty
void register_futex_work_types(WorkTypeRegistry& reg);    // ping-pong, fan-out, mutex
void register_pipe_work_types(WorkTypeRegistry& reg);     // pipe_io, wake_chain
void register_process_work_types(WorkTypeRegistry& reg);  // fork_exit
void register_epoll_work_types(WorkTypeRegistry& reg);    // epoll_storm
void register_custom_work_types(WorkTypeRegistry& reg);   // custom

}  // namespace ktstr::workload
