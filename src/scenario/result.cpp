#include "scenario/result.hpp"

#include <nlohmann/json.hpp>

#include "util/json_struct.hpp"

namespace ktstr::check {
// Verdicts travel as their names; a missing or non-text verdict reads as
// pass, an unknown name as fail.
static void to_json(nlohmann::json& j, Verdict v) {
  j = std::string(to_string(v));
}
static void from_json(const nlohmann::json& j, Verdict& v) {
  if (!j.is_string()) {
    v = Verdict::kPass;
    return;
  }
  auto parsed = parse_verdict(j.get<std::string>());
  v = parsed ? *parsed : Verdict::kFail;
}
}  // namespace ktstr::check

namespace ktstr::scenario {

KTSTR_JSON_STRUCT(TimelineEvent, at_ms, kind, detail, iterations)
KTSTR_JSON_STRUCT(CgroupReports, cgroup, reports)
KTSTR_JSON_STRUCT(ScenarioStatsBlock, cgroups, scenario)
KTSTR_JSON_STRUCT(PhaseTimes, setup_ms, run_ms, ops_ms, collect_ms, teardown_ms,
                  control_run_delay_ms, control_priority)

// Each list serves both directions. Not in them: ScenarioResult::reports,
// whose key is left out (not null) when there are none, and
// RunResult::schema_version, which reads as 0 when missing.
#define KTSTR_SCENARIO_RESULT_FIELDS                                                              \
  name, category, description, source, repeat, verdict, reason, duration_ms, planned_duration_ms, \
      checks, stats, timeline, scheduler, interrupted, error_kind, error, warnings, noise,        \
      phase_stats
#define KTSTR_RUN_RESULT_FIELDS \
  ktstr_version, started_at, duration_ms, host, verdict, exit_code, interrupted, scenarios, noise

void to_json(nlohmann::json& j, const ScenarioResult& t) {
  j = nlohmann::json::object();
  KTSTR_JSON_WRITE_FIELDS(KTSTR_SCENARIO_RESULT_FIELDS)
  if (t.reports) j["reports"] = *t.reports;
  j["phases"] = t.phases;
  if (!t.attempts.empty()) j["attempts"] = t.attempts;
  if (!t.lifecycle.empty()) j["lifecycle"] = t.lifecycle;
  if (!t.monitor.empty()) j["monitor"] = t.monitor;
  if (!t.stranded.empty()) j["stranded"] = t.stranded;
  if (!t.payloads.empty()) j["payloads"] = t.payloads;
}

void from_json(const nlohmann::json& j, ScenarioResult& t) {
  KTSTR_JSON_READ_FIELDS(ScenarioResult, KTSTR_SCENARIO_RESULT_FIELDS);
  t.reports.reset();
  if (j.contains("reports") && !j["reports"].is_null()) {
    t.reports = j["reports"].get<std::vector<CgroupReports>>();
  }
  t.phases = j.contains("phases") ? j["phases"].get<PhaseTimes>() : PhaseTimes{};
  t.attempts.clear();
  if (j.contains("attempts") && j["attempts"].is_array()) {
    t.attempts = j["attempts"].get<std::vector<ScenarioResult>>();
  }
  t.lifecycle.clear();
  if (j.contains("lifecycle") && j["lifecycle"].is_array()) {
    t.lifecycle = j["lifecycle"].get<std::vector<sched::LifecycleRecord>>();
  }
  t.monitor =
      j.contains("monitor") ? j["monitor"].get<sched::MonitorSeries>() : sched::MonitorSeries{};
  t.stranded = j.value("stranded", std::vector<check::StrandedFinding>{});
  t.payloads.clear();
  if (j.contains("payloads") && j["payloads"].is_array()) {
    t.payloads = j["payloads"].get<std::vector<PayloadResult>>();
  }
}

void to_json(nlohmann::json& j, const RunResult& t) {
  j = {{"schema_version", t.schema_version}};
  KTSTR_JSON_WRITE_FIELDS(KTSTR_RUN_RESULT_FIELDS)
  j["confirm"] = t.confirm;
  j["strict"] = t.strict;
  if (t.fingerprint) j["fingerprint"] = *t.fingerprint;
}

void from_json(const nlohmann::json& j, RunResult& t) {
  KTSTR_JSON_READ_FIELDS(RunResult, KTSTR_RUN_RESULT_FIELDS);
  t.schema_version = j.value("schema_version", 0);
  t.confirm = j.value("confirm", size_t{0});
  t.strict = j.value("strict", false);
  t.fingerprint.reset();
  if (j.contains("fingerprint") && j["fingerprint"].is_object()) {
    t.fingerprint = j["fingerprint"].get<Fingerprint>();
  }
}

Result<RunResult> parse_run_result(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return invalid_input("not a ktstr result document (expected a JSON object)");
  }
  const int version = j.value("schema_version", 0);
  if (version < 1 || version > kResultSchemaVersion) {
    return invalid_input(
        fmt::format("result schema_version {} is not supported by this ktstr (understands 1..{})",
                    version, kResultSchemaVersion));
  }
  try {
    return j.get<RunResult>();
  } catch (const nlohmann::json::exception& e) {
    return invalid_input(fmt::format("malformed result document: {}", e.what()));
  }
}

}  // namespace ktstr::scenario
