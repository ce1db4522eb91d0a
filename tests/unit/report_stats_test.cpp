// Statistics behind `ktstr compare`: Mann-Whitney U against textbook
// values, the percentile bootstrap on known distributions, and the
// false-positive rate / power of the regression decision.
#include <gtest/gtest.h>

#include <random>

#include "report/stats.hpp"

namespace ktstr::report {
namespace {

TEST(ReportStats, MeanAndStdDev) {
  EXPECT_DOUBLE_EQ(mean({1, 2, 3, 4}), 2.5);
  EXPECT_NEAR(std_dev({2, 4, 4, 4, 5, 5, 7, 9}), 2.138089935, 1e-9);
  EXPECT_EQ(mean({}), 0);
  EXPECT_EQ(std_dev({5}), 0);
}

TEST(ReportStats, MannWhitneyCompleteSeparation) {
  const auto r = mann_whitney({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u_b, 9);
  EXPECT_NEAR(r.p_greater, 1.0 / 20, 1e-12);  // 1 of C(6,3) orderings
  EXPECT_NEAR(r.p_less, 1.0, 1e-12);
  EXPECT_NEAR(r.p_two_sided, 0.1, 1e-12);
  const auto five = mann_whitney({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  EXPECT_NEAR(five.p_two_sided, 2.0 / 252, 1e-12);
}

// R's wilcox.test documentation example (Hollander & Wolfe):
// wilcox.test(x, y, alternative = "greater") gives W = 35, p = 0.1272.
TEST(ReportStats, MannWhitneyHollanderWolfe) {
  const std::vector<double> x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  const std::vector<double> y = {1.15, 0.88, 0.90, 0.74, 1.21};
  const auto r = mann_whitney(y, x);
  EXPECT_DOUBLE_EQ(r.u_b, 35);
  EXPECT_NEAR(r.p_greater, 0.1272061272, 1e-9);
  // Swapping the samples mirrors the statistic and the tails.
  const auto s = mann_whitney(x, y);
  EXPECT_DOUBLE_EQ(s.u_b, 15);
  EXPECT_NEAR(s.p_less, r.p_greater, 1e-12);
  EXPECT_NEAR(s.p_two_sided, r.p_two_sided, 1e-12);
}

// Ties: the exact permutation distribution with midranks (reference from
// enumerating all C(8,4) splits).
TEST(ReportStats, MannWhitneyExactWithTies) {
  const auto r = mann_whitney({1, 2, 2, 3}, {2, 3, 3, 4});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u_b, 13);
  EXPECT_NEAR(r.p_greater, 10.0 / 70, 1e-12);
  EXPECT_NEAR(r.p_less, 69.0 / 70, 1e-12);
}

TEST(ReportStats, MannWhitneyAllTiedIsNoEvidence) {
  const auto r = mann_whitney({5, 5, 5}, {5, 5, 5});
  EXPECT_DOUBLE_EQ(r.u_b, 4.5);
  EXPECT_NEAR(r.p_two_sided, 1, 1e-12);
  std::vector<double> big(40, 1.0);
  const auto n = mann_whitney(big, big);
  EXPECT_FALSE(n.exact);
  EXPECT_EQ(n.p_two_sided, 1);
}

// Normal approximation with tie and continuity correction for N > 60
// (reference computed from the textbook formula).
TEST(ReportStats, MannWhitneyNormalApproximation) {
  std::vector<double> a, b;
  for (int i = 0; i < 35; ++i) {
    a.push_back(i);
    b.push_back(i + 10);
  }
  const auto r = mann_whitney(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u_b, 912.5);
  EXPECT_NEAR(r.p_greater, 0.000216813586, 1e-10);
  EXPECT_NEAR(r.p_less, 0.999792591252, 1e-10);
}

TEST(ReportStats, MannWhitneyEmptySide) {
  const auto r = mann_whitney({}, {1, 2});
  EXPECT_EQ(r.p_two_sided, 1);
  EXPECT_EQ(r.p_greater, 1);
}

TEST(ReportStats, BootstrapDegenerateAndDeterministic) {
  const auto c = bootstrap_mean_diff_ci({1, 1, 1}, {3, 3, 3}, 0.05);
  EXPECT_DOUBLE_EQ(c.low, 2);
  EXPECT_DOUBLE_EQ(c.high, 2);
  const std::vector<double> a = {1, 4, 2, 8, 5}, b = {7, 3, 9, 6, 8};
  const auto x = bootstrap_mean_diff_ci(a, b, 0.05);
  const auto y = bootstrap_mean_diff_ci(a, b, 0.05);
  EXPECT_EQ(x.low, y.low);
  EXPECT_EQ(x.high, y.high);
  EXPECT_LT(x.low, mean(b) - mean(a));
  EXPECT_GT(x.high, mean(b) - mean(a));
  // Resample means stay within the samples' ranges.
  EXPECT_GE(x.low, 3 - 8);
  EXPECT_LE(x.high, 9 - 1);
  const auto empty = bootstrap_mean_diff_ci({}, b, 0.05);
  EXPECT_EQ(empty.low, 0);
  EXPECT_EQ(empty.high, 0);
}

// Normal samples, sd 1, n = 50 per side: the CI of the mean difference has
// a width near 2 * 1.96 * sqrt(2/50) = 0.784 and covers the true shift in
// about 95% of trials.
TEST(ReportStats, BootstrapOnKnownDistribution) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> base(10, 1), shifted(10.5, 1);
  int covered = 0;
  double width_sum = 0;
  constexpr int kTrials = 200;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> a(50), b(50);
    for (auto& v : a) v = base(rng);
    for (auto& v : b) v = shifted(rng);
    const auto ci = bootstrap_mean_diff_ci(a, b, 0.05, 1000, static_cast<uint64_t>(t + 1));
    covered += ci.low <= 0.5 && 0.5 <= ci.high;
    width_sum += ci.high - ci.low;
  }
  EXPECT_GE(covered, kTrials * 88 / 100);
  EXPECT_LE(covered, kTrials);
  EXPECT_NEAR(width_sum / kTrials, 0.784, 0.06);
}

// The regression decision is one-sided p <= alpha: on identical
// distributions it fires in about alpha of comparisons, never much more.
TEST(ReportStats, FalsePositiveRateOnIdenticalDistributions) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(3.0, 0.5);
  constexpr int kComparisons = 200;
  constexpr double kAlpha = 0.05;
  for (size_t n : {3u, 5u, 10u, 40u}) {
    int flagged = 0;
    for (int c = 0; c < kComparisons; ++c) {
      std::vector<double> a(n), b(n);
      for (auto& v : a) v = latency(rng);
      for (auto& v : b) v = latency(rng);
      flagged += mann_whitney(a, b).p_greater <= kAlpha;
    }
    EXPECT_LE(flagged, static_cast<int>(kComparisons * (kAlpha + 0.04))) << "n=" << n;
  }
}

// A shift of 1.5 standard deviations with 10 repeats per side is found in
// most comparisons (theoretical power about 0.9).
TEST(ReportStats, PowerOnShiftedDistributions) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> a_dist(100, 10), b_dist(115, 10);
  constexpr int kComparisons = 200;
  int found = 0;
  for (int c = 0; c < kComparisons; ++c) {
    std::vector<double> a(10), b(10);
    for (auto& v : a) v = a_dist(rng);
    for (auto& v : b) v = b_dist(rng);
    found += mann_whitney(a, b).p_greater <= 0.05;
  }
  EXPECT_GE(found, kComparisons * 75 / 100);
  // Three repeats per side still detect a large, clean shift.
  const auto three = mann_whitney({100, 101, 99}, {140, 150, 145});
  EXPECT_LE(three.p_greater, 0.05);
}

}  // namespace
}  // namespace ktstr::report
