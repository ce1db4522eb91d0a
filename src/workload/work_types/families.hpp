// One registration function per work-type family (one source file each
// under work_types/). Adding a family = one declaration here and one call
// in catalogue.cpp.
#pragma once

namespace ktstr::workload {

class WorkTypeRegistry;

void register_builtin_work_types(WorkTypeRegistry& reg);

// spin_wait, yield_heavy, mixed, bursty
void register_cpu_work_types(WorkTypeRegistry& reg);
// futex_ping_pong, futex_fan_out, fan_out_compute, mutex_contention,
// thundering_herd, producer_consumer_imbalance
void register_futex_work_types(WorkTypeRegistry& reg);
// pipe_io, wake_chain
void register_pipe_work_types(WorkTypeRegistry& reg);
// fork_exit, signal_storm
void register_process_work_types(WorkTypeRegistry& reg);
// epoll_storm
void register_epoll_work_types(WorkTypeRegistry& reg);
// custom
void register_custom_work_types(WorkTypeRegistry& reg);
// cache_pressure, cache_yield, cache_pipe
void register_cache_work_types(WorkTypeRegistry& reg);
// nice_sweep, affinity_churn, cross_affinity_churn, policy_churn
void register_sched_work_types(WorkTypeRegistry& reg);
// rt_starvation, preempt_storm, priority_inversion, asymmetric_waker
void register_rt_work_types(WorkTypeRegistry& reg);
// page_fault_churn, numa_working_set_sweep, numa_migration_churn
void register_memory_work_types(WorkTypeRegistry& reg);
// cgroup_churn, cgroup_attach_storm
void register_cgroup_work_types(WorkTypeRegistry& reg);
// idle_churn, timer_latency
void register_timer_work_types(WorkTypeRegistry& reg);
// alu_hot, smt_sibling_spin, ipc_variance, sequence
void register_alu_work_types(WorkTypeRegistry& reg);
// io_sync_write, io_rand_read, io_convoy
void register_io_work_types(WorkTypeRegistry& reg);
// schbench
void register_schbench_work_types(WorkTypeRegistry& reg);

}  // namespace ktstr::workload
