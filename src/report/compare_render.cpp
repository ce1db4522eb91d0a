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

std::string shift_cell(const MetricComparison& m) {
  return fmt::format("{} [{}, {}]", signed_num(m.shift), signed_num(m.shift_ci.low),
                     signed_num(m.shift_ci.high));
}

void render_scenario(std::string& out, const ScenarioComparison& sc, double alpha, size_t family) {
  out += fmt::format("\n{}{}  (A: {} run(s), B: {} run(s)", sc.name,
                     sc.topology.empty() ? "" : " @ " + sc.topology, sc.n_a, sc.n_b);
  if (sc.skipped_a + sc.skipped_b > 0) {
    out += fmt::format("; skipped/errored A {}, B {}", sc.skipped_a, sc.skipped_b);
  }
  out += ")\n";
  const double threshold = alpha / static_cast<double>(family == 0 ? 1 : family);
  if (sc.min_p > threshold) {
    out += fmt::format(
        "  note: with {} vs {} runs the smallest possible p is {:.3g} > {:.3g} (alpha {} over {} "
        "tests): nothing can be called significant in this scenario\n",
        sc.n_a, sc.n_b, sc.min_p, threshold, alpha, family);
  }
  const int ci_pct = static_cast<int>(std::lround((1 - alpha) * 100));
  TextTable t({"metric", "better", "A mean", "B mean", "B-A",
               fmt::format("shift (HL) [{}% CI]", ci_pct), "p(worse)", "Holm p", "verdict"});
  for (const auto& m : sc.metrics) {
    const std::string& name = m.metric;
    if (m.status == MetricStatus::kNoData) {
      t.add({name, m.better == Better::kLower ? "lower" : "higher", "-", "-", "-", "-", "-", "-",
             status_cell(m)});
      continue;
    }
    t.add({name, m.better == Better::kLower ? "lower" : "higher", format_number(m.mean_a),
           format_number(m.mean_b), diff_cell(m), shift_cell(m), fmt::format("{:.3f}", m.p_worse),
           fmt::format("{:.3f}", m.p_worse_adjusted), status_cell(m)});
  }
  out += t.render("  ");
}

}  // namespace

std::string render_compare_text(const CompareReport& r) {
  std::string out = fmt::format("ktstr compare  A: {}  B: {}\n", r.a_path, r.b_path);
  for (const auto& w : r.fingerprint_warnings) out += fmt::format("warning: {}\n", w);
  if (!r.definition_mismatches.empty()) {
    out += fmt::format("warning: compared despite different scenario definitions (--force): {}\n",
                       fmt::join(r.definition_mismatches, ", "));
  }
  out += fmt::format(
      "alpha {}, Holm-corrected over {} tests (scenario x metric); Mann-Whitney U p-values; "
      "shift = Hodges-Lehmann B-A with a percentile-bootstrap CI ({} resamples); a regression "
      "needs Holm p(worse) <= alpha and the metric's minimum effect\n",
      r.alpha, r.family_size, r.resamples);
  for (const auto& sc : r.scenarios) render_scenario(out, sc, r.alpha, r.family_size);
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
      regressed.push_back(fmt::format("{} {} {} (Holm p={:.3f})", sc.name, m.metric, diff_cell(m),
                                      m.p_worse_adjusted));
    }
  }
  if (regressed.empty() && r.inconclusive) {
    out += fmt::format("\nresult: {}\n", r.inconclusive_reason);
  } else if (regressed.empty()) {
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
  j["effect"] = {{"estimator", "hodges_lehmann"},
                 {"shift", m.shift},
                 {"ci_low", m.shift_ci.low},
                 {"ci_high", m.shift_ci.high}};
  j["p_worse"] = m.p_worse;
  j["p_better"] = m.p_better;
  j["p_worse_adjusted"] = m.p_worse_adjusted;
  j["p_better_adjusted"] = m.p_better_adjusted;
  j["underpowered"] = m.underpowered;
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
          {"improvements", r.improvements},
          {"correction", r.correction},
          {"family_size", r.family_size},
          {"underpowered", r.underpowered},
          {"inconclusive", r.inconclusive},
          {"inconclusive_reason", r.inconclusive_reason},
          {"fingerprint_warnings", r.fingerprint_warnings},
          {"definition_mismatches", r.definition_mismatches},
          {"exit_code", compare_exit_code(r)}};
}

}  // namespace ktstr::report
