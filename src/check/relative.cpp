#include "check/relative.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/json_struct.hpp"
#include "util/suggest.hpp"

namespace ktstr::check {

KTSTR_JSON_STRUCT(PhaseStats, name, step, scheduler, start_ms, duration_ms, workers, iterations,
                  iterations_per_s, schedstat_available, cpu_time_ms, cpu_util, run_delay_ms,
                  run_count, mean_run_delay_us, migrations, migrations_exact, migrations_per_s,
                  max_gap_ms, max_gap_exact)

namespace {

std::optional<double> when(bool ok, double v) {
  return ok ? std::optional<double>(v) : std::nullopt;
}

// Metrics a phase cannot measure yet, with the reason, so `[[check]]`
// naming them gets a "not yet" error instead of "unknown metric".
struct Unavailable {
  const char* name;
  const char* why;
};
constexpr Unavailable kUnavailable[] = {
    {"wake_p99_us",
     "wake latency samples carry no timestamps, so they cannot be split by phase yet; compare "
     "mean_run_delay_us (the mean wait for a CPU per timeslice) instead"},
    {"wake_p50_us", "wake latency samples carry no timestamps; use mean_run_delay_us"},
};

std::string fmt_value(double v) {
  return std::fabs(v) >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v);
}

}  // namespace

const std::vector<RelativeMetric>& relative_metrics() {
  static const std::vector<RelativeMetric> m = {
      {"iterations_per_s", "1/s",
       "work-loop iterations of every worker per wall second (throughput)",
       [](const PhaseStats& p) { return when(p.duration_ms > 0, p.iterations_per_s); }},
      {"mean_run_delay_us", "us",
       "schedstat run delay / run count: the mean wait for a CPU per timeslice",
       [](const PhaseStats& p) {
         return when(p.schedstat_available && p.run_count > 0, p.mean_run_delay_us);
       }},
      {"run_delay_ms", "ms", "schedstat run delay summed over the workers",
       [](const PhaseStats& p) { return when(p.schedstat_available, p.run_delay_ms); }},
      {"cpu_util", "", "the workers' CPU time / phase wall time (CPUs kept busy)",
       [](const PhaseStats& p) { return when(p.schedstat_available, p.cpu_util); }},
      {"migrations_per_s", "1/s", "worker migrations per wall second",
       [](const PhaseStats& p) { return when(p.duration_ms > 0, p.migrations_per_s); }},
      {"max_gap_ms", "ms", "the longest scheduling gap of any worker",
       [](const PhaseStats& p) { return when(p.workers > 0, p.max_gap_ms); }},
  };
  return m;
}

const RelativeMetric* find_relative_metric(std::string_view name) {
  for (const auto& m : relative_metrics()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string relative_check_name(const RelativeCheck& c) {
  return fmt::format("{}{}:{}/{}", kRelativePrefix, c.metric, c.phase, c.baseline);
}

Status validate_relative_check(const RelativeCheck& c) {
  if (c.metric.empty()) {
    return invalid_input("[[check]] needs metric = \"<name>\" (one of: " +
                         fmt::format("{}", fmt::join(relative_metric_names(), ", ")) + ")");
  }
  for (const auto& u : kUnavailable) {
    if (c.metric == u.name) {
      return invalid_input(
          fmt::format("[[check]] metric '{}' is not available per phase: {}", c.metric, u.why));
    }
  }
  if (find_relative_metric(c.metric) == nullptr) {
    auto known = relative_metric_names();
    for (const auto& u : kUnavailable) known.emplace_back(u.name);
    return invalid_input(fmt::format("[[check]] metric '{}' is unknown{} (metrics: {})", c.metric,
                                     did_you_mean(c.metric, known),
                                     fmt::join(relative_metric_names(), ", ")));
  }
  if (c.phase.empty() || c.baseline.empty()) {
    return invalid_input(fmt::format(
        "[[check]] for {} needs both phase = \"<step name>\" and baseline = \"<step name>\"",
        c.metric));
  }
  if (c.phase == c.baseline) {
    return invalid_input(fmt::format(
        "[[check]] phase and baseline are both '{}': compare two different steps", c.phase));
  }
  if (!c.max_ratio && !c.min_ratio) {
    return invalid_input(fmt::format(
        "[[check]] {} of '{}' vs '{}' needs max_ratio and/or min_ratio (e.g. max_ratio = 1.5: "
        "at most 1.5 x the baseline)",
        c.metric, c.phase, c.baseline));
  }
  for (const auto& [key, v] : {std::pair{"max_ratio", c.max_ratio}, {"min_ratio", c.min_ratio}}) {
    if (v && !(std::isfinite(*v) && *v > 0)) {
      return invalid_input(fmt::format("[[check]] {} must be a number > 0, got {}", key, *v));
    }
  }
  if (c.max_ratio && c.min_ratio && *c.min_ratio > *c.max_ratio) {
    return invalid_input(
        fmt::format("[[check]] min_ratio {} is above max_ratio {}: no value passes", *c.min_ratio,
                    *c.max_ratio));
  }
  return {};
}

Status check_relative_phases(const RelativeCheck& c, const std::vector<std::string>& phase_names) {
  for (const auto& [key, name] : {std::pair{"phase", &c.phase}, {"baseline", &c.baseline}}) {
    if (std::find(phase_names.begin(), phase_names.end(), *name) != phase_names.end()) continue;
    return invalid_input(fmt::format(
        "[[check]] {} '{}' names no step{} (phases are the steps' names, or step<N>: {})", key,
        *name, did_you_mean(*name, phase_names), fmt::join(phase_names, ", ")));
  }
  return {};
}

CheckResult evaluate_relative(const RelativeCheck& c, const std::vector<PhaseStats>& phases) {
  CheckResult r;
  r.name = relative_check_name(c);
  r.source = ThresholdSource::kTest;
  r.threshold = c.max_ratio ? c.max_ratio : c.min_ratio;
  const RelativeMetric* m = find_relative_metric(c.metric);
  const PhaseStats* ph = nullptr;
  const PhaseStats* base = nullptr;
  for (const auto& p : phases) {
    if (p.name == c.phase) ph = &p;
    if (p.name == c.baseline) base = &p;
  }
  if (m == nullptr || ph == nullptr || base == nullptr) {
    r.verdict = Verdict::kInconclusive;
    r.detail = fmt::format("{}: phase '{}' did not run (the scenario ended early)", c.metric,
                           ph == nullptr ? c.phase : c.baseline);
    return r;
  }
  r.phase_value = m->value(*ph);
  r.baseline_value = m->value(*base);
  const std::string unit = m->unit.empty() ? "" : " " + m->unit;
  if (!r.phase_value || !r.baseline_value || *r.baseline_value == 0) {
    r.verdict = Verdict::kInconclusive;
    r.detail =
        fmt::format("{}: phase '{}' {} vs '{}' {}: no ratio to judge", c.metric, c.phase,
                    r.phase_value ? fmt_value(*r.phase_value) + unit : "not measured", c.baseline,
                    r.baseline_value ? fmt_value(*r.baseline_value) + unit : "not measured");
    return r;
  }
  const double ratio = *r.phase_value / *r.baseline_value;
  r.value = ratio;
  std::string bound;
  if (c.max_ratio && ratio > *c.max_ratio) {
    r.verdict = Verdict::kFail;
    r.threshold = c.max_ratio;
    bound = fmt::format("above max_ratio {}", *c.max_ratio);
  } else if (c.min_ratio && ratio < *c.min_ratio) {
    r.verdict = Verdict::kFail;
    r.threshold = c.min_ratio;
    bound = fmt::format("below min_ratio {}", *c.min_ratio);
  } else {
    std::vector<std::string> within;
    if (c.min_ratio) within.push_back(fmt::format(">= {}", *c.min_ratio));
    if (c.max_ratio) within.push_back(fmt::format("<= {}", *c.max_ratio));
    bound = fmt::format("within {}", fmt::join(within, " and "));
  }
  r.detail =
      fmt::format("{}: phase '{}' ({}) {}{} vs baseline '{}' ({}) {}{}: ratio {:.3f}, {}", c.metric,
                  c.phase, ph->scheduler, fmt_value(*r.phase_value), unit, c.baseline,
                  base->scheduler, fmt_value(*r.baseline_value), unit, ratio, bound);
  return r;
}

std::vector<std::string> relative_metric_names() {
  std::vector<std::string> out;
  for (const auto& m : relative_metrics()) out.push_back(m.name);
  return out;
}

}  // namespace ktstr::check
