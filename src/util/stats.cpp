#include "util/stats.hpp"

#include <algorithm>
#include <cmath>

namespace ktstr {

uint64_t percentile_sorted(const std::vector<uint64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest value with at least p% of values <= it.
  // The epsilon keeps p*n/100 that is an integer in exact arithmetic (99.9%
  // of 1000) from rounding up to the next rank through binary fractions.
  auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size()) / 100.0 - 1e-9));
  if (rank == 0) rank = 1;
  if (rank > sorted.size()) rank = sorted.size();
  return sorted[rank - 1];
}

uint64_t percentile(std::vector<uint64_t> values, double p) {
  std::sort(values.begin(), values.end());
  return percentile_sorted(values, p);
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double coefficient_of_variation(const std::vector<double>& v) {
  double m = mean(v);
  if (v.empty() || m == 0) return 0;
  double acc = 0;
  for (double x : v) acc += (x - m) * (x - m);
  return std::sqrt(acc / static_cast<double>(v.size())) / m;
}

}  // namespace ktstr
