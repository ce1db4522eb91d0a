// Pins the one percentile definition (util/stats.hpp: nearest rank) and the
// separate interpolated quantile of compare's bootstrap on small arrays.
#include <gtest/gtest.h>

#include <vector>

#include "util/stats.hpp"
#include "workload/work_types/latency_histogram.hpp"

namespace ktstr {
namespace {

const std::vector<double> kPs = {0, 50, 90, 99, 100};

std::vector<uint64_t> at(const std::vector<uint64_t>& sorted) {
  std::vector<uint64_t> out;
  for (double p : kPs) out.push_back(percentile_sorted(sorted, p));
  return out;
}

TEST(UtilStats, NearestRankOnSmallArrays) {
  EXPECT_EQ(at({}), (std::vector<uint64_t>{0, 0, 0, 0, 0}));
  EXPECT_EQ(at({7}), (std::vector<uint64_t>{7, 7, 7, 7, 7}));
  EXPECT_EQ(at({10, 20}), (std::vector<uint64_t>{10, 10, 20, 20, 20}));
  EXPECT_EQ(at({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}),
            (std::vector<uint64_t>{10, 50, 90, 100, 100}));
  // Unsorted input is sorted first.
  EXPECT_EQ(percentile({30, 10, 20}, 50), 20u);
  // Out-of-range p clamps to the minimum / maximum.
  EXPECT_EQ(percentile_sorted({10, 20}, -5), 10u);
  EXPECT_EQ(percentile_sorted({10, 20}, 150), 20u);
}

TEST(UtilStats, NearestRankIsExactOnIntegerRanks) {
  EXPECT_EQ(nearest_rank(0, 50), 0u);
  EXPECT_EQ(nearest_rank(1, 0), 1u);
  EXPECT_EQ(nearest_rank(1000, 99.9), 999u);  // not 1000 through 99.9 * 10 rounding
  EXPECT_EQ(nearest_rank(1000, 99.95), 1000u);
  EXPECT_EQ(nearest_rank(100, 99), 99u);
  EXPECT_EQ(nearest_rank(3, 34), 2u);
}

TEST(UtilStats, HistogramUsesTheSameRankRule) {
  // Below 64 ns the histogram is exact, so it must agree with the samples.
  workload::LatencyHistogram h;
  std::vector<uint64_t> v;
  for (uint64_t x : {3, 9, 9, 14, 21, 22, 40, 41, 57, 63}) {
    h.add(x);
    v.push_back(x);
  }
  for (double p : {1.0, 50.0, 90.0, 99.0, 100.0}) {
    EXPECT_EQ(h.percentile(p / 100), percentile_sorted(v, p)) << p;
  }
  EXPECT_EQ(h.percentile(0.5), 21u);
}

TEST(UtilStats, InterpolatedQuantileForBootstrapEndpoints) {
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile_interpolated_sorted(v, 0), 1);
  EXPECT_DOUBLE_EQ(quantile_interpolated_sorted(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile_interpolated_sorted(v, 0.9), 3.7);
  EXPECT_DOUBLE_EQ(quantile_interpolated_sorted(v, 1), 4);
  EXPECT_DOUBLE_EQ(quantile_interpolated_sorted({5}, 0.3), 5);
  EXPECT_DOUBLE_EQ(quantile_interpolated_sorted({}, 0.5), 0);
}

TEST(UtilStats, MomentsSampleVersusPopulation) {
  const std::vector<double> v = {2, 4, 4, 4, 5, 5, 7, 9};  // mean 5, population sd 2
  EXPECT_DOUBLE_EQ(mean(v), 5);
  EXPECT_NEAR(std_dev(v), 2.138089935, 1e-9);          // n - 1
  EXPECT_DOUBLE_EQ(coefficient_of_variation(v), 0.4);  // population sd / mean
  EXPECT_EQ(std_dev({5}), 0);
  EXPECT_EQ(coefficient_of_variation({}), 0);
  EXPECT_EQ(mean({}), 0);
}

}  // namespace
}  // namespace ktstr
