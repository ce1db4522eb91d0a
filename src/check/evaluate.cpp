#include "check/evaluate.hpp"

#include <nlohmann/json.hpp>

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

// One number per cgroup for a per-cgroup check; nullopt = not measurable in
// that cgroup. `what` words the value in the detail.
struct Metric {
  const char* what;
  const char* unit;
  std::optional<double> (*get)(const CgroupStats&);
};

std::optional<double> when(bool ok, double v) {
  return ok ? std::optional<double>(v) : std::nullopt;
}

const Metric* metric_for(const std::string& name) {
  static const std::map<std::string, Metric> metrics = {
      {"max_spread_pct",
       {"off-CPU spread", "%",
        [](const CgroupStats& s) { return when(s.completed > 0, s.spread_pct); }}},
      {"max_throughput_cv",
       {"throughput CV", "",
        [](const CgroupStats& s) { return when(s.completed > 1, s.throughput_cv); }}},
      {"max_p99_wake_latency_ns",
       {"p99 wake latency", "ns",
        [](const CgroupStats& s) {
          return when(s.wake_samples > 0, static_cast<double>(s.wake_p99_ns));
        }}},
      {"max_wake_latency_cv",
       {"wake latency CV", "",
        [](const CgroupStats& s) { return when(s.wake_samples > 1, s.wake_cv); }}},
      {"max_migration_ratio",
       {"migrations per iteration", "",
        [](const CgroupStats& s) { return when(s.iterations > 0, s.migration_ratio); }}},
      {"min_page_locality",
       {"page locality", "", [](const CgroupStats& s) { return s.page_locality; }}},
      {"max_cross_node_migration_ratio",
       {"NUMA pages migrated per page", "",
        [](const CgroupStats& s) { return s.cross_node_migration_ratio; }}},
      {"max_slow_tier_ratio",
       {"slow-tier page share", "", [](const CgroupStats& s) { return s.slow_tier_ratio; }}},
  };
  auto it = metrics.find(name);
  return it == metrics.end() ? nullptr : &it->second;
}

}  // namespace

CheckResult check_cgroup_metric(const Threshold& t, const std::vector<CgroupStats>& stats) {
  CheckResult res = result_for(t);
  const Metric* m = metric_for(t.name);
  if (m == nullptr) {
    res.verdict = Verdict::kSkip;
    res.detail = "not a per-cgroup check";
    return res;
  }
  const bool is_max = t.kind == CheckKind::kMax;
  size_t bad = 0, measured = 0;
  for (const auto& s : stats) {
    auto v = m->get(s);
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
    res.detail = fmt::format("no cgroup produced data for the {}", m->what);
    return res;
  }
  res.verdict = bad > 0 ? Verdict::kFail : Verdict::kPass;
  const char* cmp = bad > 0 ? (is_max ? ">" : "<") : (is_max ? "<=" : ">=");
  res.detail = fmt::format("cgroup {}: {} {:.4g}{} {} {:g}{}", res.cgroup, m->what, *res.value,
                           m->unit, cmp, t.limit, m->unit);
  if (bad > 1) res.detail += fmt::format(" ({} of {} cgroups)", bad, measured);
  return res;
}

CheckResult check_scheduler_alive(const Threshold& t, const SchedulerHealth& h) {
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

CheckResult check_scheduler_clean_exit(const Threshold& t, const SchedulerHealth& h) {
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
                                         const SchedulerHealth& health) {
  std::vector<CheckResult> out;
  for (const auto& t : thresholds.all()) {
    if (!t.enabled) continue;
    if (t.name == "not_starved") {
      out.push_back(check_not_starved(t, inputs));
    } else if (t.name == "max_gap_ms") {
      out.push_back(check_max_gap(t, inputs));
    } else if (t.name == "isolation") {
      out.push_back(check_isolation(t, inputs));
    } else if (t.name == "min_work_rate") {
      out.push_back(check_min_work_rate(t, inputs));
    } else if (t.name == "min_iteration_rate") {
      out.push_back(check_min_iteration_rate(t, inputs));
    } else if (t.name == "scheduler_alive") {
      out.push_back(check_scheduler_alive(t, health));
    } else if (t.name == "scheduler_clean_exit") {
      out.push_back(check_scheduler_clean_exit(t, health));
    } else {
      out.push_back(check_cgroup_metric(t, stats));
    }
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
}

KTSTR_JSON_STRUCT(SchedulerHealth, name, sched_ext, alive, attached, error_exit, stalled,
                  exit_reason, log_excerpt)

}  // namespace ktstr::check
