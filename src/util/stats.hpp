// Small descriptive statistics shared by summaries and checks.
#pragma once

#include <cstdint>
#include <vector>

namespace ktstr {

// Nearest-rank percentile (p in [0,100]) of unsorted values; 0 when empty.
// Sorts a copy; callers with many queries should sort once and use
// percentile_sorted.
uint64_t percentile(std::vector<uint64_t> values, double p);
uint64_t percentile_sorted(const std::vector<uint64_t>& sorted, double p);
double mean(const std::vector<double>& v);
// Coefficient of variation (population stddev / mean); 0 when mean is 0.
double coefficient_of_variation(const std::vector<double>& v);

}  // namespace ktstr
