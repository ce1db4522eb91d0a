// Text and JSON renderings of a CompareReport (docs/reports.md).
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/compare.hpp"
#include "report/format.hpp"

namespace ktstr::report {
namespace {

std::string signed_num(double v) {
  return (v > 0 ? "+" : "") + format_number(v);
}

std::string diff_cell(const MetricComparison& m) {
  std::string s = signed_num(m.diff);
  if (m.rel_diff_pct)
    s += fmt::format(" ({}{:.1f}%)", *m.rel_diff_pct > 0 ? "+" : "", *m.rel_diff_pct);
  return s;
}

std::string status_cell(const MetricComparison& m) {
  switch (m.status) {
    case MetricStatus::kRegression:
      return "REGRESSION";
    case MetricStatus::kImprovement:
      return "improvement";
    case MetricStatus::kUnchanged:
      return "no significant change";
    case MetricStatus::kBelowMinEffect:
      return fmt::format("significant, below min effect {}", m.min_effect.describe());
    case MetricStatus::kNoData:
      return m.a.empty() && m.b.empty() ? "not measured"
                                        : (m.a.empty() ? "not measured in A" : "not measured in B");
  }
  return "";
}

void render_scenario(std::string& out, const ScenarioComparison& sc, double alpha) {
  out += fmt::format("\n{}{}  (A: {} run(s), B: {} run(s)", sc.name,
                     sc.topology.empty() ? "" : " @ " + sc.topology, sc.n_a, sc.n_b);
  if (sc.skipped_a + sc.skipped_b > 0) {
    out += fmt::format("; skipped/errored A {}, B {}", sc.skipped_a, sc.skipped_b);
  }
  out += ")\n";
  if (sc.min_p > alpha) {
    out += fmt::format(
        "  note: with {} vs {} runs the smallest possible p is {:.3f} > alpha {}: nothing can "
        "be called significant; use --repeat 3 or more on both sides\n",
        sc.n_a, sc.n_b, sc.min_p, alpha);
  }
  const int ci_pct = static_cast<int>(std::lround((1 - alpha) * 100));
  TextTable t({"metric", "better", "A mean", "B mean", "B-A", fmt::format("{}% CI", ci_pct),
               "p(worse)", "p(2-sided)", "verdict"});
  for (const auto& m : sc.metrics) {
    const std::string& name = m.metric;
    if (m.status == MetricStatus::kNoData) {
      t.add({name, m.better == Better::kLower ? "lower" : "higher", "-", "-", "-", "-", "-", "-",
             status_cell(m)});
      continue;
    }
    t.add({name, m.better == Better::kLower ? "lower" : "higher", format_number(m.mean_a),
           format_number(m.mean_b), diff_cell(m),
           fmt::format("[{}, {}]", signed_num(m.ci.low), signed_num(m.ci.high)),
           fmt::format("{:.3f}", m.p_worse), fmt::format("{:.3f}", m.p_two_sided), status_cell(m)});
  }
  out += t.render("  ");
}

}  // namespace

std::string render_compare_text(const CompareReport& r) {
  std::string out = fmt::format("ktstr compare  A: {}  B: {}\n", r.a_path, r.b_path);
  out += fmt::format(
      "alpha {}; B-A with a percentile-bootstrap CI ({} resamples); Mann-Whitney U p-values; "
      "a regression needs p(worse) <= alpha and the metric's minimum effect\n",
      r.alpha, r.resamples);
  for (const auto& sc : r.scenarios) render_scenario(out, sc, r.alpha);
  if (!r.only_in_a.empty()) {
    out += fmt::format("\nonly in A (not compared): {}\n", fmt::join(r.only_in_a, ", "));
  }
  if (!r.only_in_b.empty()) {
    out += fmt::format("\nonly in B (not compared): {}\n", fmt::join(r.only_in_b, ", "));
  }
  std::vector<std::string> regressed;
  for (const auto& sc : r.scenarios) {
    for (const auto& m : sc.metrics) {
      if (m.status != MetricStatus::kRegression) continue;
      regressed.push_back(
          fmt::format("{} {} {} (p={:.3f})", sc.name, m.metric, diff_cell(m), m.p_worse));
    }
  }
  if (regressed.empty()) {
    out += fmt::format(
        "\nresult: no significant regression ({} scenario(s) compared, {} "
        "improvement(s))\n",
        r.scenarios.size(), r.improvements);
  } else {
    out += fmt::format("\nresult: {} REGRESSION(S): {}\n", regressed.size(),
                       fmt::join(regressed, "; "));
  }
  return out;
}

namespace {

nlohmann::json metric_json(const MetricComparison& m) {
  nlohmann::json j = {{"metric", m.metric},
                      {"unit", m.unit},
                      {"better", m.better == Better::kLower ? "lower" : "higher"},
                      {"a", m.a},
                      {"b", m.b},
                      {"status", std::string(to_string(m.status))},
                      {"min_effect", m.min_effect.describe()}};
  if (m.status == MetricStatus::kNoData) return j;
  j["mean_a"] = m.mean_a;
  j["mean_b"] = m.mean_b;
  j["diff"] = m.diff;
  j["rel_diff_pct"] = m.rel_diff_pct ? nlohmann::json(*m.rel_diff_pct) : nlohmann::json();
  j["ci_low"] = m.ci.low;
  j["ci_high"] = m.ci.high;
  j["p_worse"] = m.p_worse;
  j["p_two_sided"] = m.p_two_sided;
  j["p_exact"] = m.exact;
  return j;
}

}  // namespace

nlohmann::json compare_to_json(const CompareReport& r) {
  nlohmann::json scenarios = nlohmann::json::array();
  for (const auto& sc : r.scenarios) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& m : sc.metrics) metrics.push_back(metric_json(m));
    scenarios.push_back({{"name", sc.name},
                         {"topology", sc.topology},
                         {"n_a", sc.n_a},
                         {"n_b", sc.n_b},
                         {"skipped_a", sc.skipped_a},
                         {"skipped_b", sc.skipped_b},
                         {"min_p", sc.min_p},
                         {"metrics", std::move(metrics)}});
  }
  return {{"schema_version", 1},
          {"a", r.a_path},
          {"b", r.b_path},
          {"alpha", r.alpha},
          {"bootstrap_resamples", r.resamples},
          {"scenarios", std::move(scenarios)},
          {"only_in_a", r.only_in_a},
          {"only_in_b", r.only_in_b},
          {"regressions", r.regressions},
          {"improvements", r.improvements}};
}

}  // namespace ktstr::report
