#include "util/stats.hpp"

#include <algorithm>
#include <cmath>

namespace ktstr {

size_t nearest_rank(size_t n, double p) {
  if (n == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // The epsilon keeps p*n/100 that is an integer in exact arithmetic from
  // rounding up to the next rank through binary fractions.
  const double exact = std::ceil(p * static_cast<double>(n) / 100.0 - 1e-9);
  const auto rank = exact < 1 ? size_t{1} : static_cast<size_t>(exact);
  return std::min(rank, n);
}

uint64_t percentile_sorted(const std::vector<uint64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[nearest_rank(sorted.size(), p) - 1];
}

uint64_t percentile(std::vector<uint64_t> values, double p) {
  std::sort(values.begin(), values.end());
  return percentile_sorted(values, p);
}

double quantile_interpolated_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double std_dev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

double coefficient_of_variation(const std::vector<double>& v) {
  double m = mean(v);
  if (v.empty() || m == 0) return 0;
  double acc = 0;
  for (double x : v) acc += (x - m) * (x - m);
  return std::sqrt(acc / static_cast<double>(v.size())) / m;
}

}  // namespace ktstr
