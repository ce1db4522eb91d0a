#include "scenario/result.hpp"

#include <nlohmann/json.hpp>

#include "util/json_struct.hpp"

namespace ktstr::check {
// Verdicts travel as their names.
static void verdict_to_json(nlohmann::json& j, Verdict v) {
  j = std::string(to_string(v));
}
static Verdict verdict_from_json(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return Verdict::kPass;
  auto v = parse_verdict(it->get<std::string>());
  return v ? *v : Verdict::kFail;
}
}  // namespace ktstr::check

namespace ktstr::scenario {

KTSTR_JSON_STRUCT(TimelineEvent, at_ms, kind, detail, iterations)
KTSTR_JSON_STRUCT(CgroupReports, cgroup, reports)
KTSTR_JSON_STRUCT(ScenarioStatsBlock, cgroups, scenario)
KTSTR_JSON_STRUCT(HostInfo, hostname, kernel, cpu_model, topology, cpus, scheduler, cgroup_layout)

void to_json(nlohmann::json& j, const ScenarioResult& r) {
  j = {{"name", r.name},
       {"category", r.category},
       {"description", r.description},
       {"source", r.source},
       {"repeat", r.repeat},
       {"reason", r.reason},
       {"duration_ms", r.duration_ms},
       {"planned_duration_ms", r.planned_duration_ms},
       {"checks", r.checks},
       {"stats", r.stats},
       {"timeline", r.timeline},
       {"scheduler", r.scheduler},
       {"interrupted", r.interrupted},
       {"error_kind", r.error_kind},
       {"error", r.error},
       {"warnings", r.warnings}};
  check::verdict_to_json(j["verdict"], r.verdict);
  if (r.reports) j["reports"] = *r.reports;
}

void from_json(const nlohmann::json& j, ScenarioResult& r) {
  r = ScenarioResult{};
  r.name = j.value("name", "");
  r.category = j.value("category", "");
  r.description = j.value("description", "");
  r.source = j.value("source", "");
  r.repeat = j.value("repeat", size_t{0});
  r.verdict = check::verdict_from_json(j, "verdict");
  r.reason = j.value("reason", "");
  r.duration_ms = j.value("duration_ms", 0.0);
  r.planned_duration_ms = j.value("planned_duration_ms", 0.0);
  r.checks = j.value("checks", std::vector<check::CheckResult>{});
  r.stats = j.value("stats", ScenarioStatsBlock{});
  r.timeline = j.value("timeline", std::vector<TimelineEvent>{});
  if (j.contains("reports") && !j["reports"].is_null()) {
    r.reports = j["reports"].get<std::vector<CgroupReports>>();
  }
  r.scheduler = j.value("scheduler", sched::SchedulerHealth{});
  r.interrupted = j.value("interrupted", false);
  r.error_kind = j.value("error_kind", "");
  r.error = j.value("error", "");
  r.warnings = j.value("warnings", std::vector<std::string>{});
}

void to_json(nlohmann::json& j, const RunResult& r) {
  j = {{"schema_version", r.schema_version},
       {"ktstr_version", r.ktstr_version},
       {"started_at", r.started_at},
       {"duration_ms", r.duration_ms},
       {"host", r.host},
       {"exit_code", r.exit_code},
       {"interrupted", r.interrupted},
       {"scenarios", r.scenarios}};
  check::verdict_to_json(j["verdict"], r.verdict);
}

void from_json(const nlohmann::json& j, RunResult& r) {
  r = RunResult{};
  r.schema_version = j.value("schema_version", 0);
  r.ktstr_version = j.value("ktstr_version", "");
  r.started_at = j.value("started_at", "");
  r.duration_ms = j.value("duration_ms", 0.0);
  r.host = j.value("host", HostInfo{});
  r.verdict = check::verdict_from_json(j, "verdict");
  r.exit_code = j.value("exit_code", 0);
  r.interrupted = j.value("interrupted", false);
  r.scenarios = j.value("scenarios", std::vector<ScenarioResult>{});
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
