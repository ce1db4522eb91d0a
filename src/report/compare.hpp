// A/B comparison of two runs (`ktstr compare`): scenarios paired by name
// (and topology when the result carries one), per metric the per-repeat
// values of each side, their means, the difference B - A with a bootstrap
// confidence interval and Mann-Whitney p-values, and a status.
//
// A regression is called only when B is worse than A with one-sided
// Mann-Whitney p <= alpha AND the difference reaches the metric's minimum
// effect (docs/reports.md "ktstr compare").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "report/metrics.hpp"
#include "report/stats.hpp"
#include "scenario/result.hpp"

namespace ktstr::report {

// One side of a comparison: the parsed run and, per scenario index, the
// topology the document gave it (a "topology" key on the scenario object;
// "" when absent — the result model does not carry one yet).
struct CompareInput {
  std::string path;
  scenario::RunResult run;
  std::vector<std::string> scenario_topology;
};

// Reads and validates a result document; errors name the file and field.
Result<CompareInput> load_compare_input(const std::string& path);
Result<CompareInput> parse_compare_input(const std::string& path, const std::string& text);

struct CompareOptions {
  double alpha = 0.05;
  std::vector<std::string> metrics;              // empty = every metric in the catalogue
  std::map<std::string, MinEffect> min_effects;  // overrides by metric name
  int resamples = kBootstrapResamples;
};

enum class MetricStatus { kRegression, kImprovement, kUnchanged, kBelowMinEffect, kNoData };
std::string_view to_string(MetricStatus s);

struct MetricComparison {
  std::string metric;
  std::string unit;
  Better better = Better::kLower;
  std::vector<double> a, b;  // per-repeat values
  double mean_a = 0, mean_b = 0;
  double diff = 0;                     // mean_b - mean_a
  std::optional<double> rel_diff_pct;  // diff / |mean_a| * 100; nullopt when mean_a == 0
  BootstrapCi ci;                      // of diff, level 1 - alpha
  double p_two_sided = 1;
  double p_worse = 1;  // one-sided: B worse than A in the metric's direction
  bool exact = false;
  MinEffect min_effect;
  MetricStatus status = MetricStatus::kNoData;
};

struct ScenarioComparison {
  std::string name;
  std::string topology;     // "" when the documents carry none
  size_t n_a = 0, n_b = 0;  // repeats that measured something (not skipped/errored)
  size_t skipped_a = 0, skipped_b = 0;
  // The smallest one-sided p-value these sample sizes can produce; above
  // alpha no change can be called significant (too few repeats).
  double min_p = 1;
  std::vector<MetricComparison> metrics;
};

struct CompareReport {
  std::string a_path, b_path;
  double alpha = 0.05;
  int resamples = kBootstrapResamples;
  std::vector<ScenarioComparison> scenarios;
  std::vector<std::string> only_in_a, only_in_b;  // "name" or "name @ topology"
  size_t regressions = 0, improvements = 0;
};

// kInvalidInput for an unknown metric name or alpha outside (0, 0.5].
Result<CompareReport> compare_runs(const CompareInput& a, const CompareInput& b,
                                   const CompareOptions& opts);

// Renderers (golden-tested): a table for people and the --json document.
std::string render_compare_text(const CompareReport& r);
nlohmann::json compare_to_json(const CompareReport& r);

}  // namespace ktstr::report
