// The family-wise decision of `ktstr compare` (docs/reports.md
// "Multiple comparisons"): Holm's step-down correction over every scenario x
// metric test, then each metric's status, and whether the comparison could
// have detected a regression at all.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/compare.hpp"
#include "util/exit_codes.hpp"

namespace ktstr::report {
namespace {

bool has_data(const MetricComparison& m) {
  return !m.a.empty() && !m.b.empty();
}

MetricStatus decide_status(const MetricComparison& m, double alpha) {
  const bool lower_better = m.better == Better::kLower;
  const bool worse = lower_better ? m.diff > 0 : m.diff < 0;
  const bool big = m.min_effect.reached(m.diff, m.mean_a);
  if (m.p_worse_adjusted <= alpha && worse) {
    return big ? MetricStatus::kRegression : MetricStatus::kBelowMinEffect;
  }
  if (m.p_better_adjusted <= alpha && !worse && m.diff != 0) {
    return big ? MetricStatus::kImprovement : MetricStatus::kBelowMinEffect;
  }
  return MetricStatus::kUnchanged;
}

// The under-powered test with the fewest repeats names the fix.
std::string underpowered_reason(const CompareReport& r, double threshold) {
  const MetricComparison* fewest = nullptr;
  for (const auto& sc : r.scenarios) {
    for (const auto& m : sc.metrics) {
      if (m.underpowered &&
          (!fewest || m.a.size() + m.b.size() < fewest->a.size() + fewest->b.size())) {
        fewest = &m;
      }
    }
  }
  const size_t n_a = fewest ? fewest->a.size() : 0, n_b = fewest ? fewest->b.size() : 0;
  const double min_p = smallest_one_sided_p(n_a, n_b);
  const size_t need = repeats_to_reach(threshold);
  return fmt::format(
      "inconclusive: {} vs {} repeats cannot reach alpha {} after correction for {} tests "
      "(smallest possible p {:.3g} > {:.3g}); {} of {} tests could not detect a regression; use "
      "{} or more repeats per side, fewer metrics (--metric) or a larger --alpha",
      n_a, n_b, r.alpha, r.family_size, min_p, threshold, r.underpowered, r.family_size,
      need == 0 ? std::string("many") : std::to_string(need));
}

}  // namespace

void decide_compare(CompareReport& r, const CompareOptions& opts) {
  std::vector<MetricComparison*> family;
  for (auto& sc : r.scenarios) {
    for (auto& m : sc.metrics) {
      if (has_data(m)) family.push_back(&m);
    }
  }
  r.family_size = family.size();
  std::vector<double> worse, better;
  for (const auto* m : family) {
    worse.push_back(m->p_worse);
    better.push_back(m->p_better);
  }
  const auto worse_adj = holm_adjust(worse);
  const auto better_adj = holm_adjust(better);
  // Holm's first (strictest) step: a test whose smallest possible p is
  // above it can only be rejected after others were, so on its own it can
  // never show a regression.
  const double threshold = opts.alpha / static_cast<double>(std::max<size_t>(1, family.size()));
  r.regressions = r.improvements = r.underpowered = 0;
  for (size_t i = 0; i < family.size(); ++i) {
    MetricComparison& m = *family[i];
    m.p_worse_adjusted = worse_adj[i];
    m.p_better_adjusted = better_adj[i];
    m.status = decide_status(m, opts.alpha);
    m.underpowered = smallest_one_sided_p(m.a.size(), m.b.size()) > threshold;
    r.regressions += m.status == MetricStatus::kRegression;
    r.improvements += m.status == MetricStatus::kImprovement;
    r.underpowered += m.underpowered;
  }
  r.inconclusive = false;
  r.inconclusive_reason.clear();
  if (r.regressions > 0) return;
  if (family.empty()) {
    r.inconclusive = true;
    r.inconclusive_reason =
        "inconclusive: no metric was measured on both sides of any paired scenario";
  } else if (r.underpowered > 0) {
    r.inconclusive = true;
    r.inconclusive_reason = underpowered_reason(r, threshold);
  }
}

int compare_exit_code(const CompareReport& r) {
  if (r.regressions > 0) return kExitFail;
  if (r.inconclusive) return kExitInconclusive;
  return kExitPass;
}

}  // namespace ktstr::report
