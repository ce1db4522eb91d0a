// Two-sample statistics for `ktstr compare` (docs/reports.md "Statistics").
//
// Samples are the per-repeat values of one metric on each side, so they are
// small (typically 3..30). Everything here is deterministic: the bootstrap
// uses a fixed-seed mt19937_64 and an index draw that does not depend on the
// standard library's distribution implementation, so golden outputs are
// stable across platforms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

// mean, std_dev (sample, n-1) and the interpolated quantile of the bootstrap
// come from the one statistics module.
#include "util/stats.hpp"

namespace ktstr::report {

// Which side of the null hypothesis an alternative looks at.
enum class Alternative { kTwoSided, kGreater, kLess };

struct MannWhitney {
  double u_b = 0;  // U of sample b: pairs (a_i, b_j) with b_j > a_i, ties counting 1/2
  // P-values for "b tends to be larger than a" (greater), smaller (less)
  // and either (two-sided, min(1, 2 * smaller one-sided)).
  double p_greater = 1;
  double p_less = 1;
  double p_two_sided = 1;
  bool exact = false;  // exact permutation distribution (ties handled); else normal approx
};

// Mann-Whitney U test. Exact (the permutation distribution of b's rank sum,
// midranks for ties) when n_a + n_b <= kMannWhitneyExactMaxN; otherwise the
// normal approximation with tie correction and continuity correction.
// Either side empty: all p-values 1.
inline constexpr size_t kMannWhitneyExactMaxN = 60;
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

struct BootstrapCi {
  double low = 0;
  double high = 0;
};

// Percentile-bootstrap confidence interval of mean(b) - mean(a) at level
// 1 - alpha: each resample draws n_a from a and n_b from b with replacement;
// the endpoints are the alpha/2 and 1 - alpha/2 quantiles of the sorted
// resampled differences by linear interpolation (quantile_interpolated_sorted,
// util/stats.hpp explains why not nearest rank).
// Either side empty: {0, 0}.
inline constexpr uint64_t kBootstrapSeed = 0x6b74737472ULL;  // "ktstr"
inline constexpr int kBootstrapResamples = 2000;
BootstrapCi bootstrap_mean_diff_ci(const std::vector<double>& a, const std::vector<double>& b,
                                   double alpha, int resamples = kBootstrapResamples,
                                   uint64_t seed = kBootstrapSeed);

// Hodges-Lehmann shift estimate of b relative to a: the median of the
// n_a * n_b pairwise differences b_j - a_i (the shift the Mann-Whitney test
// is about). Either side empty: 0.
double hodges_lehmann(const std::vector<double>& a, const std::vector<double>& b);

// Percentile-bootstrap confidence interval of the Hodges-Lehmann shift at
// level 1 - alpha, resampled and seeded as bootstrap_mean_diff_ci.
BootstrapCi bootstrap_hodges_lehmann_ci(const std::vector<double>& a, const std::vector<double>& b,
                                        double alpha, int resamples = kBootstrapResamples,
                                        uint64_t seed = kBootstrapSeed);

// Holm's step-down adjusted p-values (family-wise error control under any
// dependence between the tests): sorted ascending, p_(i) becomes
// max over j <= i of min(1, (m - j + 1) * p_(j)); returned in input order.
// Rejecting every test whose adjusted p <= alpha keeps the probability of
// any false rejection in the family <= alpha.
std::vector<double> holm_adjust(const std::vector<double>& p);

// Smallest one-sided exact Mann-Whitney p for sample sizes n_a, n_b
// (one side entirely above the other): 1 / C(n_a + n_b, n_a); 1 when
// either is 0.
double smallest_one_sided_p(size_t n_a, size_t n_b);

// Repeats per side (n vs n) whose smallest one-sided p reaches `threshold`;
// 0 when more than 1000 would be needed.
size_t repeats_to_reach(double threshold);

// Standard normal upper tail P(Z >= z).
double normal_upper_tail(double z);

}  // namespace ktstr::report
