// The result model of `ktstr run`: plain structs with to_json/from_json.
// docs/results.md documents the JSON schema; renderers (text, JUnit, HTML,
// trace, compare) read these structs or that JSON and nothing else.
//
// Versioning: kResultSchemaVersion changes when a field is renamed, removed
// or changes meaning; adding a field does not change it (readers ignore
// unknown keys and from_json fills missing ones with defaults).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "check/evaluate.hpp"
#include "check/relative.hpp"
#include "check/stats.hpp"
#include "check/stranded.hpp"
#include "check/verdict.hpp"
#include "scenario/fingerprint.hpp"
#include "sched/health.hpp"
#include "sched/host_probe.hpp"
#include "sched/lifecycle.hpp"
#include "sched/monitor.hpp"
#include "sched/noise.hpp"
#include "util/error_kind.hpp"
#include "workload/payload_metrics.hpp"
#include "workload/report.hpp"

namespace ktstr::scenario {

inline constexpr int kResultSchemaVersion = 1;

// Something that happened during a run, with the cumulative iteration count
// of every cgroup's workers at that moment (live shared counters; final
// counts for cgroups already stopped).
struct TimelineEvent {
  double at_ms = 0;  // since the scenario started (before cgroup setup)
  // "setup", "start", "step", "op", "loop", "liveness", "stop", "teardown",
  // "interrupt", "error", "warning"
  std::string kind;
  std::string detail;
  std::map<std::string, uint64_t> iterations;  // cgroup -> iterations so far
};

// Raw worker reports of one cgroup (only kept with `--raw`).
struct CgroupReports {
  std::string cgroup;
  std::vector<workload::WorkerReport> reports;
};

struct ScenarioStatsBlock {
  std::vector<check::CgroupStats> cgroups;
  check::ScenarioStats scenario;
};

// Where a scenario's wall time went. The run phase is the planned part (the
// workers released until the last hold ended); setup, collection and
// teardown are reported beside it. All wall-clock ms.
struct PhaseTimes {
  double setup_ms = 0;     // run tree, cgroups, spawning and pinning the first workers
  double run_ms = 0;       // workers released -> the last step's hold ended
  double ops_ms = 0;       // of run_ms: ops, step cgroups and liveness probes between holds
  double collect_ms = 0;   // stopping every worker and reading its report
  double teardown_ms = 0;  // removing the run tree
  // The control thread's wait for a CPU over the run phase (schedstat run
  // delay), and the priority it ran at ("SCHED_FIFO 1", "nice -20", ...).
  double control_run_delay_ms = 0;
  std::string control_priority;
};

using workload::PayloadResult;  // one payload run by run_payload

struct ScenarioResult {
  std::string name;
  std::string category;
  std::string description;
  std::string source;  // file path, "builtin:scenarios/x.toml", "c++:file:line"
  size_t repeat = 0;   // 0-based repetition index (--repeat N gives 0..N-1)
  check::Verdict verdict = check::Verdict::kPass;
  // One line: why it did not pass (the first failing check's detail, the
  // missing requirement, the error); "" on pass.
  std::string reason;
  double duration_ms = 0;          // wall time of the whole scenario (setup to teardown)
  double planned_duration_ms = 0;  // the (possibly overridden) scenario duration
  std::vector<check::CheckResult> checks;
  ScenarioStatsBlock stats;
  std::vector<TimelineEvent> timeline;
  std::optional<std::vector<CgroupReports>> reports;  // --raw only
  sched::SchedulerHealth scheduler;                   // last health seen
  bool interrupted = false;                           // Ctrl-C arrived during this scenario
  // Set when the engine could not run the scenario to the end, with the
  // message; JSON writes its text, "" when unset.
  std::optional<ErrorKind> error_kind;
  std::string error;
  std::vector<std::string> warnings;  // worker warnings, teardown problems, overruns
  PhaseTimes phases;
  // One entry per step hold that ran (scenario/phases.hpp), in step order.
  std::vector<check::PhaseStats> phase_stats;
  // `--confirm`: every attempt (the first included), each a full result of
  // its own, when a timing-sensitive check failed and the scenario was run
  // again; empty otherwise. The fields above are then the first attempt's,
  // with the folded verdict and reason (run_loop.hpp fold_attempts) and
  // duration_ms summed over the attempts.
  std::vector<ScenarioResult> attempts;
  sched::NoiseReport noise;  // host noise from setup to collection
  // Scheduler lifecycle ops in the order applied (JSON "lifecycle", only
  // when there were any); at_ms since the scenario started.
  std::vector<sched::LifecycleRecord> lifecycle;
  // The in-run monitor's decimated series (empty when it took < 2 samples)
  // and the stranded-task findings (docs/scenarios.md "Monitor").
  sched::MonitorSeries monitor;
  std::vector<check::StrandedFinding> stranded;
  // One per payload that ran, in the order they ended.
  std::vector<PayloadResult> payloads;
};

// The machine a run was made on (sched/host_probe.hpp reads it).
using HostInfo = sched::HostFacts;

struct RunResult {
  int schema_version = kResultSchemaVersion;
  std::string ktstr_version;
  std::string started_at;  // UTC, ISO 8601
  double duration_ms = 0;
  HostInfo host;
  check::Verdict verdict = check::Verdict::kPass;  // worst scenario verdict
  int exit_code = 0;
  bool interrupted = false;
  std::vector<ScenarioResult> scenarios;
  size_t confirm = 0;   // --confirm: extra attempts after a timing-sensitive failure
  bool strict = false;  // --strict: flaky exits 1, skips exit 3
  // What must match for runs to be comparable (scenario/fingerprint.hpp);
  // absent in documents written before it existed.
  std::optional<Fingerprint> fingerprint;
  sched::NoiseReport noise;  // over the whole run (VM mode: with the vCPU dilation)
};

void to_json(nlohmann::json& j, const TimelineEvent& e);
void from_json(const nlohmann::json& j, TimelineEvent& e);
void to_json(nlohmann::json& j, const CgroupReports& r);
void from_json(const nlohmann::json& j, CgroupReports& r);
void to_json(nlohmann::json& j, const ScenarioStatsBlock& s);
void to_json(nlohmann::json& j, const PhaseTimes& p);
void from_json(const nlohmann::json& j, PhaseTimes& p);
void from_json(const nlohmann::json& j, ScenarioStatsBlock& s);
void to_json(nlohmann::json& j, const ScenarioResult& r);
void from_json(const nlohmann::json& j, ScenarioResult& r);
void to_json(nlohmann::json& j, const RunResult& r);
void from_json(const nlohmann::json& j, RunResult& r);

// Parses a document written by `ktstr run --json`; kInvalidInput when it is
// not JSON or has a newer schema_version than this build understands.
Result<RunResult> parse_run_result(const std::string& text);

}  // namespace ktstr::scenario
