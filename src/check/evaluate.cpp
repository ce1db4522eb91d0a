#include "check/evaluate.hpp"

#include <nlohmann/json.hpp>

#include "util/check.hpp"
#include "util/json_struct.hpp"

namespace ktstr::check {

CheckResult result_for(const Threshold& t) {
  CheckResult r;
  r.name = t.name;
  r.source = t.source;
  if (t.kind != CheckKind::kToggle) r.threshold = t.limit;
  return r;
}
namespace {

// The metric's unit as the detail prints it: ratios are bare numbers.
std::string_view detail_unit(const CheckDef& d) {
  return d.unit == "ratio" ? std::string_view() : std::string_view(d.unit);
}

}  // namespace

CheckResult check_cgroup_metric(const Threshold& t, const std::vector<CgroupStats>& stats) {
  CheckResult res = result_for(t);
  const CheckDef* def = find_check(t.name);
  if (def == nullptr || def->cgroup_value == nullptr) {
    res.verdict = Verdict::kSkip;
    res.detail = "not a per-cgroup check";
    return res;
  }
  const bool is_max = t.kind == CheckKind::kMax;
  size_t bad = 0, measured = 0;
  for (const auto& s : stats) {
    auto v = def->cgroup_value(s);
    if (!v) continue;
    ++measured;
    if (is_max ? *v > t.limit : *v < t.limit) ++bad;
    if (!res.value || (is_max ? *v > *res.value : *v < *res.value)) {
      res.value = *v;
      res.cgroup = s.name;
    }
  }
  if (measured == 0) {
    res.verdict = Verdict::kInconclusive;
    res.detail = fmt::format("no cgroup produced data for the {}", def->evidence);
    return res;
  }
  res.verdict = bad > 0 ? Verdict::kFail : Verdict::kPass;
  const char* cmp = bad > 0 ? (is_max ? ">" : "<") : (is_max ? "<=" : ">=");
  const std::string_view unit = detail_unit(*def);
  res.detail = fmt::format("cgroup {}: {} {:.4g}{} {} {:g}{}", res.cgroup, def->evidence,
                           *res.value, unit, cmp, t.limit, unit);
  if (bad > 1) res.detail += fmt::format(" ({} of {} cgroups)", bad, measured);
  return res;
}

CheckResult check_scheduler_alive(const Threshold& t, const sched::SchedulerHealth& h) {
  CheckResult res = result_for(t);
  res.value = (h.alive && h.attached) ? 1 : 0;
  if (!h.alive) {
    res.verdict = Verdict::kFail;
    res.detail = fmt::format("scheduler {} died", h.name);
  } else if (!h.attached) {
    res.verdict = Verdict::kFail;
    res.detail = fmt::format("scheduler {} is running but no longer attached", h.name);
  } else {
    res.detail = fmt::format("scheduler {} alive and attached", h.name);
  }
  if (!h.exit_reason.empty()) res.detail += ": " + h.exit_reason;
  return res;
}

CheckResult check_scheduler_clean_exit(const Threshold& t, const sched::SchedulerHealth& h) {
  CheckResult res = result_for(t);
  if (!h.sched_ext) {
    res.verdict = Verdict::kSkip;
    res.detail = fmt::format("{} is not a sched_ext scheduler: no sched_ext exit to check", h.name);
    return res;
  }
  res.value = (h.error_exit || h.stalled) ? 0 : 1;
  if (h.error_exit || h.stalled) {
    res.verdict = Verdict::kFail;
    res.detail = fmt::format("scheduler {} {}", h.name,
                             h.stalled ? "reported a runnable-task stall" : "exited with an error");
    if (!h.exit_reason.empty()) res.detail += ": " + h.exit_reason;
  } else {
    res.detail = fmt::format("no sched_ext error exit or stall from {}", h.name);
  }
  return res;
}

std::vector<CheckResult> evaluate_checks(const Thresholds& thresholds,
                                         const std::vector<CgroupInput>& inputs,
                                         const std::vector<CgroupStats>& stats,
                                         const sched::SchedulerHealth& health,
                                         const std::vector<StrandedFinding>* stranded) {
  const CheckInputs in{inputs, stats, health, stranded};
  const auto& table = check_catalogue();
  const auto& values = thresholds.all();
  KTSTR_CHECK(values.size() == table.size(), "thresholds out of step with the check table");
  std::vector<CheckResult> out;
  for (size_t i = 0; i < table.size(); ++i) {
    KTSTR_CHECK(values[i].name == table[i].name, "thresholds out of check-table order");
    if (values[i].enabled) out.push_back(table[i].evaluate(values[i], in));
  }
  return out;
}

Verdict fold_verdict(const std::vector<CheckResult>& results) {
  Verdict v = Verdict::kPass;
  for (const auto& r : results) {
    if (r.verdict != Verdict::kSkip) v = worst(v, r.verdict);
  }
  return v;
}

void to_json(nlohmann::json& j, const CheckResult& r) {
  j = {{"name", r.name},           {"verdict", to_string(r.verdict)}, {"value", r.value},
       {"threshold", r.threshold}, {"source", to_string(r.source)},   {"cgroup", r.cgroup},
       {"detail", r.detail}};
  if (r.noise_inconclusive) j["noise_inconclusive"] = true;
  if (r.phase_value) j["phase_value"] = *r.phase_value;
  if (r.baseline_value) j["baseline_value"] = *r.baseline_value;
}

void from_json(const nlohmann::json& j, CheckResult& r) {
  r = CheckResult{};
  r.name = j.value("name", "");
  if (auto v = parse_verdict(j.value("verdict", "pass"))) r.verdict = *v;
  r.value = j.value("value", std::optional<double>());
  r.threshold = j.value("threshold", std::optional<double>());
  if (auto s = parse_threshold_source(j.value("source", "default"))) r.source = *s;
  r.cgroup = j.value("cgroup", "");
  r.detail = j.value("detail", "");
  r.noise_inconclusive = j.value("noise_inconclusive", false);
  r.phase_value = j.value("phase_value", std::optional<double>());
  r.baseline_value = j.value("baseline_value", std::optional<double>());
}

}  // namespace ktstr::check
