// Internal state of one scenario run (engine.hpp). Split over
// engine*.cpp by concern: flow, cgroups, workers, payloads, results.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cgroup/manager.hpp"
#include "check/stranded.hpp"
#include "check/thresholds.hpp"
#include "scenario/engine.hpp"
#include "scenario/phases.hpp"
#include "sched/monitor.hpp"
#include "sched/noise.hpp"
#include "sys/subprocess.hpp"
#include "workload/handle.hpp"

namespace ktstr::scenario::detail {

inline constexpr const char* kHostLabel = "<host>";

struct LiveCgroup {
  std::optional<CpuSet> own_cpuset;  // what ktstr wrote; nullopt = inherits
  bool frozen = false;
};

// Every CPU a cgroup was allowed to use over the run (for isolation).
struct AllowedHistory {
  bool unrestricted = false;
  CpuSet cpus;
};

// One WorkloadHandle: the workers one spawn put into one cgroup.
struct WorkerBatch {
  std::string label;           // the cgroup it was spawned in, or kHostLabel
  std::string current_cgroup;  // where its tasks are now ("" = host)
  std::set<std::string> visited;
  std::optional<workload::WorkloadHandle> handle;
  std::vector<size_t> work_group;               // per worker: engine-wide work-group id
  std::vector<workload::SchedPolicy> policies;  // per work group (for warnings)
  std::vector<workload::WorkerReport> reports;
  bool collected = false;
};

struct Payload {
  sys::Subprocess proc;  // exit_status() set once reaped
  workload::PayloadKind kind = workload::PayloadKind::kGeneric;
  std::vector<std::string> argv;  // as run
  std::string dir;                // its temporary directory (output, result file)
  std::string result_file;        // "" = parse the output
  bool finished = false;          // its PayloadResult is in the result
};

class Engine {
 public:
  Engine(const Scenario& s, const EngineOptions& o, ScenarioResult& r);
  void run();

 private:
  // engine.cpp: flow
  Status body();
  Status run_step(size_t index, const Step& step, uint64_t hold_ns);
  Status hold(const Step& step, uint64_t hold_ns, size_t index);
  void finish();
  bool interrupted() const;
  void progress(size_t step, const std::string& what) const;
  void event(const std::string& kind, const std::string& detail);
  uint64_t elapsed_ns() const;

  // engine_cgroups.cpp
  Status apply(const Op& op, bool in_loop);
  Status add_cgroup(const CgroupDef& def, bool start_now);
  Status remove_cgroup(const std::string& name);
  Status set_cpuset(const std::string& name, const std::optional<CpuSet>& cpus);
  Status apply_limits(const std::string& name, const Limits& l);
  std::optional<CpuSet> effective_cpuset(const std::string& name) const;
  CpuSet placement_cpus(const std::string& name) const;
  void note_cpusets();

  // engine_lifecycle.cpp
  Status lifecycle_op(const Op& op, bool in_loop);
  void restore_scheduler();  // after a scenario that changed it

  // engine_workers.cpp
  Status spawn(const std::string& cgroup, const std::vector<WorkDef>& works, bool start_now);
  Status set_affinity(const std::string& cgroup, const workload::AffinityIntent& a);
  void stop_cgroup(const std::string& name, bool with_descendants);
  void collect(WorkerBatch& b);
  std::map<std::string, uint64_t> iterations() const;
  PhaseMark phase_mark() const;  // now: summed iterations and live workers' schedstat

  // engine_payload.cpp
  Status run_payload(const Op& op);
  Status wait_payload(const Op& op);
  Status kill_payload(const std::string& name, const char* why = "kill_payload");
  void finish_payload(const std::string& name, Payload& p, const sys::ExitStatus& st,
                      const char* killed_by);
  void kill_all_payloads();

  // engine_monitor.cpp
  void monitor_tick(uint64_t now_ns, bool force);
  uint64_t monitor_due_ns() const;
  const std::vector<check::StrandedFinding>* monitor_findings(const check::Thresholds& t);

  // engine_results.cpp
  void evaluate();
  // Per-phase stats, relative checks and expected scheduler failures.
  void evaluate_phases(const std::vector<workload::WorkerReport>& all_reports);
  void note_phases();       // r_.phases from the marks below; an overrun warning
  CpuSet run_cpus() const;  // where the run's workers could run; empty = anywhere

  const Scenario& s_;
  const EngineOptions& o_;
  ScenarioResult& r_;
  std::optional<topo::Topology> topo_;
  std::optional<cgroup::CgroupManager> cgm_;
  std::map<std::string, LiveCgroup> cgroups_;
  std::map<std::string, AllowedHistory> allowed_;
  std::vector<std::unique_ptr<WorkerBatch>> batches_;
  std::map<std::string, Payload> payloads_;
  uint64_t t0_ns_ = 0;
  uint64_t duration_ns_ = 0;
  uint64_t seed_ = 0;
  size_t next_work_group_ = 0;
  size_t steps_total_ = 1;
  bool health_failed_ = false;
  bool lifecycle_used_ = false;
  // Phase marks (mono ns; 0 = not reached) and the control thread's run
  // delay over the run phase.
  uint64_t released_ns_ = 0, run_end_ns_ = 0, collect_end_ns_ = 0, teardown_end_ns_ = 0;
  uint64_t ops_ns_ = 0;
  std::optional<uint64_t> run_delay_start_ns_, run_delay_end_ns_;
  std::optional<sched::NoiseSnapshot> noise_start_;
  std::optional<sched::Monitor> monitor_;
  std::optional<std::vector<check::StrandedFinding>> stranded_;
  std::vector<PhaseWindow> phase_windows_;  // one per step hold that ran
};

}  // namespace ktstr::scenario::detail
