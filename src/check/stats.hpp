// Per-cgroup and per-scenario statistics over worker reports
// (scenarios.md "Checks": computed for every report, pass or fail).
//
// Inputs are plain data so every number is unit-testable from hand-built
// WorkerReports: the reports of one cgroup, the CPUs that cgroup was allowed
// to use over the run, and the CPU -> NUMA node map of the machine.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/cpu_list.hpp"
#include "workload/report.hpp"
#include "workload/summary.hpp"

namespace ktstr::topo {
class Topology;
}

namespace ktstr::check {

// Machine facts the NUMA statistics need.
struct NumaContext {
  std::map<int, int> cpu_node;  // CPU -> node
  std::set<int> cpuless_nodes;  // memory-only nodes: the slow tier
  static NumaContext from_topology(const topo::Topology& t);
};

// One cgroup's workers as the checks see them.
struct CgroupInput {
  std::string name;  // "cg_0", "a/b", "<host>" for host-spawned workers
  std::vector<workload::WorkerReport> reports;
  // Union of every cpuset the cgroup (and cgroups its tasks were moved to)
  // had during the run; nullopt = no cpuset restriction (isolation skips).
  std::optional<CpuSet> allowed_cpus;
  // Per report, which work group it belongs to (workers doing the same
  // thing); the off-CPU spread is taken within each group, because a cgroup
  // mixing a spinner and a sleeper differs by design. Empty = one group.
  std::vector<size_t> work_group;
};

struct CgroupStats {
  std::string name;
  size_t workers = 0;
  size_t completed = 0;  // non-sentinel reports
  CpuSet cpus_used;
  std::optional<CpuSet> cpuset;  // allowed_cpus of the input
  double off_cpu_pct_min = 0, off_cpu_pct_avg = 0, off_cpu_pct_max = 0;
  double spread_pct = 0;  // max - min of off-CPU %
  double max_gap_ms = 0;
  int max_gap_cpu = -1;
  long max_gap_worker = -1;  // worker_index of the worst gap; -1 = no workers
  pid_t max_gap_tid = 0;
  double max_gap_at_ms = 0;
  uint64_t migrations = 0;
  uint64_t iterations = 0;
  uint64_t work_units = 0;
  double migration_ratio = 0;      // migrations / iterations
  uint64_t wake_samples = 0;       // pooled reservoir entries
  uint64_t wake_sample_total = 0;  // true totals, summed
  uint64_t wake_p50_ns = 0, wake_p99_ns = 0, wake_p999_ns = 0;
  double wake_cv = 0;
  // Waker-stamped wakeup latency, overall and by placement (workload.md).
  workload::WakeupBreakdown wakeup;
  double throughput_cv = 0;       // CV of work_units per CPU-second
  double min_work_rate = 0;       // lowest work_units per CPU-second
  double min_iteration_rate = 0;  // lowest iterations per wall second
  bool schedstat_available = false;
  double run_delay_mean_ms = 0;  // mean over workers of each one's total run delay
  double run_delay_worst_ms = 0;
  long run_delay_worst_worker = -1;
  // NUMA (nullopt when no worker reported numa_pages).
  std::optional<double> page_locality;
  std::optional<double> cross_node_migration_ratio;
  std::optional<double> slow_tier_ratio;
};

// The worst of every cgroup (max of maxima, min of minima) and totals.
struct ScenarioStats {
  size_t cgroups = 0;
  size_t workers = 0;
  size_t completed = 0;
  uint64_t iterations = 0;
  uint64_t work_units = 0;
  uint64_t migrations = 0;
  double off_cpu_pct_min = 0, off_cpu_pct_max = 0;
  double max_spread_pct = 0;
  std::string max_spread_cgroup;
  double max_gap_ms = 0;
  int max_gap_cpu = -1;
  std::string max_gap_cgroup;
  double max_migration_ratio = 0;
  uint64_t worst_wake_p50_ns = 0, worst_wake_p99_ns = 0, worst_wake_p999_ns = 0;
  std::string worst_wake_p99_cgroup;
  double max_wake_cv = 0;
  uint64_t worst_wakeup_p50_ns = 0, worst_wakeup_p99_ns = 0;  // over cgroups with wakeups
  uint64_t wakeup_count = 0;
  double max_throughput_cv = 0;
  double min_work_rate = 0;
  double min_iteration_rate = 0;
  double run_delay_worst_ms = 0;
  std::optional<double> min_page_locality;
};

// Off-CPU share of a worker's wall time in percent (0 when wall is 0).
double off_cpu_pct(const workload::WorkerReport& r);
double work_rate_per_cpu_s(const workload::WorkerReport& r);
double iteration_rate_per_s(const workload::WorkerReport& r);

CgroupStats compute_cgroup_stats(const CgroupInput& in, const NumaContext& numa);
ScenarioStats fold_scenario_stats(const std::vector<CgroupStats>& cgroups);

void to_json(nlohmann::json& j, const CgroupStats& s);
void from_json(const nlohmann::json& j, CgroupStats& s);
void to_json(nlohmann::json& j, const ScenarioStats& s);
void from_json(const nlohmann::json& j, ScenarioStats& s);

}  // namespace ktstr::check
