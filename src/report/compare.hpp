// A/B comparison of two runs (`ktstr compare`): scenarios paired by name
// (and topology when the result carries one), per metric the per-repeat
// values of each side, their means, the difference B - A with a bootstrap
// confidence interval and Mann-Whitney p-values, and a status.
//
// A regression is called only when B is worse than A with a one-sided
// Mann-Whitney p that stays <= alpha after Holm's correction over every
// scenario x metric test of the comparison AND the difference reaches the
// metric's minimum effect. When the sample sizes cannot reach the corrected
// threshold and nothing regressed, the comparison is inconclusive (exit 4),
// not a pass (docs/reports.md "ktstr compare").
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
  // Compare even when a scenario's definition hash differs between the
  // documents (--force); otherwise that is kInvalidInput naming it.
  bool force = false;
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
  // Effect size: the Hodges-Lehmann shift of B against A (median of the
  // pairwise differences) with its bootstrap CI at level 1 - alpha.
  double shift = 0;
  BootstrapCi shift_ci;
  double p_two_sided = 1;
  double p_worse = 1;  // one-sided: B worse than A in the metric's direction
  double p_better = 1;
  // Holm-adjusted over the comparison's family (every metric with data on
  // both sides in every paired scenario); the decision uses these.
  double p_worse_adjusted = 1, p_better_adjusted = 1;
  // The smallest p these sample sizes allow is above alpha / family size:
  // no difference, however large, could be called significant.
  bool underpowered = false;
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
  std::string correction = "holm";
  size_t family_size = 0;   // tests corrected for: metrics with data on both sides
  size_t underpowered = 0;  // of them, tests that cannot reach alpha after correction
  // No regression, and some test could not have detected one (or nothing
  // was compared): the comparison proves nothing; exit 4.
  bool inconclusive = false;
  std::string inconclusive_reason;  // "inconclusive: ..." one line
  // Configuration fingerprint differences (kernel, CPU, scheduler...) and
  // documents without one; each is a warning, not a refusal.
  std::vector<std::string> fingerprint_warnings;
  // Scenarios whose definition hash differs; compared only with --force.
  std::vector<std::string> definition_mismatches;
};

// kInvalidInput for an unknown metric name or alpha outside (0, 0.5].
Result<CompareReport> compare_runs(const CompareInput& a, const CompareInput& b,
                                   const CompareOptions& opts);

// Applies Holm's correction over the report's tests and sets each metric's
// status, the counts and the inconclusive verdict (compare_runs calls it).
void decide_compare(CompareReport& r, const CompareOptions& opts);

// 1 when a metric regressed, 4 when inconclusive, 0 otherwise.
int compare_exit_code(const CompareReport& r);

// Renderers (golden-tested): a table for people and the --json document.
std::string render_compare_text(const CompareReport& r);
nlohmann::json compare_to_json(const CompareReport& r);

}  // namespace ktstr::report
