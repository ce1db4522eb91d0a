// The one statistics module: percentiles, quantiles and moments shared by
// the checks, workload summaries, schbench's histogram, the HTML model and
// `ktstr compare`.
//
// Percentiles of measured samples use the NEAREST-RANK rule: the p-th
// percentile (p in [0, 100]) of n sorted values is the value at 1-based rank
// ceil(p / 100 * n), clamped to [1, n]; that is, the smallest value with at
// least p% of the values <= it. p = 0 is the minimum, p = 100 the maximum,
// and the answer is always a value that was measured (no interpolation), so a
// reported p99 latency is one a worker really saw. On {10, 20}: p50 = 10,
// p90 = p99 = 20. A small tolerance keeps ranks that are integers in exact
// arithmetic (99.9% of 1000 = 999) from rounding up through binary fractions.
//
// Quantiles of a resampling distribution (compare's bootstrap CI endpoints)
// use LINEAR INTERPOLATION between order statistics instead
// (quantile_interpolated_sorted): those are estimates of a continuous
// quantity, not observed samples, and interpolating keeps the endpoints from
// jumping by a whole order statistic when the resample count changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ktstr {

// The nearest-rank rule itself: the 1-based rank of the p-th percentile
// among n sorted values (p clamped to [0, 100]); 0 when n == 0. Pure
// arithmetic (no allocation), so histograms and post-fork code can use it.
size_t nearest_rank(size_t n, double p);

// Nearest-rank percentile of unsorted values; 0 when empty. Sorts a copy;
// callers with many queries should sort once and use percentile_sorted.
uint64_t percentile(std::vector<uint64_t> values, double p);
// The same on values already sorted ascending.
uint64_t percentile_sorted(const std::vector<uint64_t>& sorted, double p);

// Quantile q in [0, 1] of values sorted ascending by linear interpolation
// between the order statistics around position q * (n - 1) (Hyndman & Fan
// type 7, the R and NumPy default); 0 when empty.
double quantile_interpolated_sorted(const std::vector<double>& sorted, double q);

double mean(const std::vector<double>& v);  // 0 when empty
// Sample standard deviation (n - 1 denominator); 0 when n < 2.
double std_dev(const std::vector<double>& v);
// Coefficient of variation: POPULATION standard deviation (n denominator) /
// mean, describing the spread of the workers of one run rather than
// estimating a wider population; 0 when empty or the mean is 0.
double coefficient_of_variation(const std::vector<double>& v);

}  // namespace ktstr
