// `ktstr compare` as a family of tests: Holm's correction, the effect size,
// the inconclusive verdict, and the two numbers that make an A/B believable,
// measured on seeded simulations of a whole scenario x metric family:
// the family-wise false-alarm rate of A/A comparisons and the power on a
// known shift (docs/reports.md "Multiple comparisons").
#include <gtest/gtest.h>

#include <random>

#include "compare_simulation.hpp"
#include "report/compare.hpp"
#include "util/exit_codes.hpp"

namespace ktstr::report {
namespace {

TEST(ReportCompareFamily, HolmAdjustedPValues) {
  // Sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 -> 0.02, 0.03, 0.06,
  // 0.04 -> running max 0.02, 0.03, 0.06, 0.06; back in input order.
  const auto adj = holm_adjust({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adj.size(), 4u);
  EXPECT_NEAR(adj[0], 0.03, 1e-12);
  EXPECT_NEAR(adj[1], 0.06, 1e-12);
  EXPECT_NEAR(adj[2], 0.06, 1e-12);
  EXPECT_NEAR(adj[3], 0.02, 1e-12);
  EXPECT_EQ(holm_adjust({0.6, 0.7})[1], 1.0);  // capped at 1
  EXPECT_TRUE(holm_adjust({}).empty());
}

TEST(ReportCompareFamily, SmallestPAndRepeatsNeeded) {
  EXPECT_NEAR(smallest_one_sided_p(3, 3), 0.05, 1e-12);
  EXPECT_NEAR(smallest_one_sided_p(5, 5), 1.0 / 252, 1e-12);
  EXPECT_EQ(smallest_one_sided_p(0, 4), 1);
  EXPECT_EQ(repeats_to_reach(0.05), 3u);
  EXPECT_EQ(repeats_to_reach(0.05 / 24), 6u);  // 1/C(10,5) = 0.004 > 0.0021 >= 1/C(12,6)
  EXPECT_EQ(repeats_to_reach(0.05 / 12), 5u);
}

TEST(ReportCompareFamily, HodgesLehmannShiftAndCi) {
  // Pairwise differences of {1,2,3} and {4,5,6}: 1,2,2,3,3,3,4,4,5 -> 3.
  EXPECT_DOUBLE_EQ(hodges_lehmann({1, 2, 3}, {4, 5, 6}), 3);
  EXPECT_DOUBLE_EQ(hodges_lehmann({0, 10}, {1}), -4);  // diffs 1, -9: median of two
  EXPECT_EQ(hodges_lehmann({}, {1}), 0);
  // An outlier moves the mean difference, not the shift.
  EXPECT_DOUBLE_EQ(hodges_lehmann({10, 10, 10, 10}, {11, 11, 11, 1000}), 1);
  const std::vector<double> a = {10, 12, 11, 13, 9}, b = {15, 14, 16, 13, 17};
  const auto ci = bootstrap_hodges_lehmann_ci(a, b, 0.05);
  const auto again = bootstrap_hodges_lehmann_ci(a, b, 0.05);
  EXPECT_EQ(ci.low, again.low);  // fixed seed
  EXPECT_EQ(ci.high, again.high);
  EXPECT_LE(ci.low, hodges_lehmann(a, b));
  EXPECT_GE(ci.high, hodges_lehmann(a, b));
  EXPECT_GT(ci.low, 0);
  EXPECT_LE(ci.high, 17 - 9);
}

// The default set's size: 11 scenarios x 12 metrics = 132 tests.
constexpr size_t kScenarios = 11;

CompareInput simulated_side(std::mt19937_64& rng, size_t repeats, double wake_scale_first = 1) {
  CompareInput in{"sim", {}, {}};
  for (size_t sc = 0; sc < kScenarios; ++sc) {
    for (size_t r = 0; r < repeats; ++r) {
      in.run.scenarios.push_back(test::simulated_scenario(rng, "s" + std::to_string(sc), r,
                                                          sc == 0 ? wake_scale_first : 1));
    }
  }
  in.scenario_topology.assign(in.run.scenarios.size(), "");
  return in;
}

CompareOptions fast_options() {
  CompareOptions o;
  o.resamples = 1;  // the decision does not use the bootstrap; keep 1000 runs fast
  return o;
}

// 1000 A/A comparisons of the whole family, 7 repeats per side (the fewest
// that reach alpha / 132): the share of comparisons with ANY regression must
// stay <= alpha. Without the correction nearly every comparison would have
// flagged something (every test at alpha: 1 - 0.95^132 ~ 0.999).
TEST(ReportCompareFamily, FamilyWiseFalseAlarmRateOfAaIsAtMostAlpha) {
  std::mt19937_64 rng(20261203);
  // 1000 in the release build; the ASan+UBSan Debug leg runs about 10x
  // slower, so it checks the same bound on 250 (the CTest timeout is 60 s).
#if defined(__SANITIZE_ADDRESS__)
  constexpr int kComparisons = 250;
#else
  constexpr int kComparisons = 1000;
#endif
  int any_regression = 0, any_raw_significant = 0, inconclusive = 0;
  for (int c = 0; c < kComparisons; ++c) {
    const auto a = simulated_side(rng, 7), b = simulated_side(rng, 7);
    auto rep = compare_runs(a, b, fast_options());
    ASSERT_TRUE(rep);
    ASSERT_EQ(rep->family_size, kScenarios * 12);
    any_regression += rep->regressions > 0;
    inconclusive += rep->inconclusive;
    bool raw = false;
    for (const auto& s : rep->scenarios) {
      for (const auto& m : s.metrics) raw = raw || m.p_worse <= 0.05;
    }
    any_raw_significant += raw;
  }
  const double fwer = any_regression / static_cast<double>(kComparisons);
  RecordProperty("comparisons_with_a_false_regression", any_regression);
  RecordProperty("comparisons_with_a_raw_p_below_alpha", any_raw_significant);
  EXPECT_LE(fwer, 0.05) << any_regression << " of " << kComparisons;
  EXPECT_EQ(inconclusive, 0);                             // 7 vs 7 is enough for 132 tests
  EXPECT_GE(any_raw_significant, kComparisons * 9 / 10);  // what the correction prevents
}

// Power: p99 wake latency of one scenario 40% worse (5 sd of its 8%
// noise) with 7 repeats per side is found in >= 90% of 200 comparisons,
// and nothing else is flagged.
TEST(ReportCompareFamily, PowerOnAKnownShift) {
  std::mt19937_64 rng(77);
  constexpr int kComparisons = 200;
  int found = 0, other = 0;
  for (int c = 0; c < kComparisons; ++c) {
    const auto a = simulated_side(rng, 7), b = simulated_side(rng, 7, 1.4);
    auto rep = compare_runs(a, b, fast_options());
    ASSERT_TRUE(rep);
    for (const auto& s : rep->scenarios) {
      for (const auto& m : s.metrics) {
        if (m.status != MetricStatus::kRegression) continue;
        const bool target = s.name == "s0" && m.metric == "wake_p99_us";
        found += target;
        other += !target;
      }
    }
  }
  RecordProperty("shift_found", found);
  RecordProperty("other_flagged", other);
  EXPECT_GE(found, kComparisons * 90 / 100);
  EXPECT_LE(other, kComparisons * 5 / 100);
}

TEST(ReportCompareFamily, ThreeVsThreeIsInconclusive) {
  std::mt19937_64 rng(3);
  CompareInput a{"a.json", {}, {}}, b{"b.json", {}, {}};
  for (size_t r = 0; r < 3; ++r) {
    a.run.scenarios.push_back(test::simulated_scenario(rng, "steady", r));
    b.run.scenarios.push_back(test::simulated_scenario(rng, "steady", r));
  }
  a.scenario_topology.assign(3, "");
  b.scenario_topology.assign(3, "");
  auto rep = compare_runs(a, b, {});
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->regressions, 0u);
  EXPECT_TRUE(rep->inconclusive);
  EXPECT_EQ(rep->underpowered, rep->family_size);
  EXPECT_EQ(compare_exit_code(*rep), kExitInconclusive);
  EXPECT_NE(rep->inconclusive_reason.find(
                "inconclusive: 3 vs 3 repeats cannot reach alpha 0.05 after correction"),
            std::string::npos)
      << rep->inconclusive_reason;
  EXPECT_NE(rep->inconclusive_reason.find("use 5 or more repeats"), std::string::npos)
      << rep->inconclusive_reason;
  EXPECT_NE(render_compare_text(*rep).find("result: inconclusive"), std::string::npos);
  // Nothing paired at all proves nothing either.
  b.run.scenarios[0].name = b.run.scenarios[1].name = b.run.scenarios[2].name = "other";
  auto none = compare_runs(a, b, {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->inconclusive);
  EXPECT_EQ(compare_exit_code(*none), kExitInconclusive);
}

}  // namespace
}  // namespace ktstr::report
