// The scenario engine: runs one Scenario on this machine (the host, or the
// guest when ktstr is the VM's init) and returns its result.
//
// Sequence (architecture.md "Data flow", step 6-7): check requirements
// (missing -> skip with the reason); create the run's cgroup tree
// (CgroupManager, `ktstr-<pid>-<tag>`); for every declared cgroup resolve
// its cpuset against the topology, apply limits, spawn its workers (fork
// mode), move them into the cgroup, then pin them per their affinity intent;
// release all workers at once; run the steps (ops, the step's cgroups, hold;
// loop holds re-apply the ops every interval; scheduler liveness between
// steps); stop and collect every worker; tear the tree down (also after an
// error or Ctrl-C); compute per-cgroup statistics and the checks.
//
// Every op and step boundary lands in the timeline with the cumulative
// iterations of every cgroup. run_scenario never throws and always returns a
// result: engine errors are recorded in it (error_kind/error) with verdict
// fail.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cgroup/layout.hpp"
#include "check/thresholds.hpp"
#include "scenario/model.hpp"
#include "scenario/result.hpp"
#include "sched/health.hpp"
#include "sched/monitor.hpp"
#include "topology/topology.hpp"

namespace ktstr::scenario {

struct Progress {
  std::string scenario;
  size_t step = 0;  // 1-based; 0 while setting up / collecting
  size_t steps = 0;
  uint64_t elapsed_ns = 0;
  uint64_t planned_ns = 0;
  std::string what;  // "setup", "step 2/3: swap_cpusets cg_0 cg_1", "collecting"
};

// The seams the VM and sched layers plug into; all optional.
struct EngineHooks {
  // Scheduler health between steps and at the end; empty = host default
  // (EEVDF, always alive).
  sched::HealthProbe health;
  // Polled every ~20 ms; true stops the scenario early (Ctrl-C): workers
  // are collected and cgroups removed before run_scenario returns.
  std::function<bool()> interrupted;
  // Called at every step change and about 5 times a second while holding.
  std::function<void(const Progress&)> progress;
};

struct EngineOptions {
  std::optional<uint64_t> duration_ns;  // --duration: replaces the scenario's
  std::optional<size_t> workers;        // --workers: every work group's count
  check::ThresholdLayer cli_checks;     // --check NAME=VALUE
  bool keep_reports = false;            // --raw: keep every WorkerReport
  uint64_t seed = 0;                    // 0 = derived from name and repeat
  // --ignore-noise: timing checks fail even on a noisy host (check/noise.hpp).
  bool ignore_noise = false;
  // --monitor-period: the in-run monitor's sampling period (clamped to
  // sched::kMinMonitorPeriodNs..kMaxMonitorPeriodNs).
  uint64_t monitor_period_ns = sched::kDefaultMonitorPeriodNs;
  size_t repeat = 0;
  // Test seams: a topology / cgroup layout instead of the machine's.
  std::optional<topo::Topology> topology;
  std::optional<cgroup::CgroupLayout> cgroup_layout;
  std::string run_tag;  // run tree `ktstr-<pid>-<tag>`; "" = `ktstr-<pid>`
  EngineHooks hooks;
};

// A payload of a known kind (stress-ng, fio, cyclictest, hackbench) whose
// program is not on PATH: the message naming its Debian package (an
// environment error); nullopt when every such program is there.
std::optional<std::string> missing_payload_program(const Scenario& s);

ScenarioResult run_scenario(const Scenario& scenario, const EngineOptions& options);

}  // namespace ktstr::scenario
