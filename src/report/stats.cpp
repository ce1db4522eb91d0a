#include "report/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace ktstr::report {

double normal_upper_tail(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

namespace {

struct Ranked {
  std::vector<long> doubled_rank;  // 2 * midrank (an integer even with ties)
  std::vector<bool> from_b;
  double tie_term = 0;  // sum over tie groups of t^3 - t
};

Ranked rank_combined(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<std::pair<double, bool>> all;
  all.reserve(a.size() + b.size());
  for (double x : a) all.emplace_back(x, false);
  for (double x : b) all.emplace_back(x, true);
  std::sort(all.begin(), all.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  Ranked out;
  out.doubled_rank.resize(all.size());
  out.from_b.resize(all.size());
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    // Ranks i+1 .. j share the midrank (i+1+j)/2; doubled: i+1+j.
    const long doubled = static_cast<long>(i + 1 + j);
    for (size_t k = i; k < j; ++k) {
      out.doubled_rank[k] = doubled;
      out.from_b[k] = all[k].second;
    }
    const double t = static_cast<double>(j - i);
    out.tie_term += t * t * t - t;
    i = j;
  }
  return out;
}

// Number of ways to pick `m` of the items with each doubled rank sum:
// counts[s] for the subsets of size exactly m.
std::vector<double> subset_sum_counts(const std::vector<long>& ranks, size_t m) {
  const long max_sum = std::accumulate(ranks.begin(), ranks.end(), 0L);
  std::vector<std::vector<double>> ways(m + 1,
                                        std::vector<double>(static_cast<size_t>(max_sum) + 1));
  ways[0][0] = 1;
  for (long r : ranks) {
    for (size_t k = m; k >= 1; --k) {
      auto& dst = ways[k];
      const auto& src = ways[k - 1];
      for (long s = max_sum; s >= r; --s) {
        dst[static_cast<size_t>(s)] += src[static_cast<size_t>(s - r)];
      }
    }
  }
  return ways[m];
}

void exact_p_values(const Ranked& rk, size_t n_a, size_t n_b, MannWhitney& out) {
  // Track the smaller sample; the other's rank sum follows from the total.
  const bool track_b = n_b <= n_a;
  const size_t m = track_b ? n_b : n_a;
  long observed = 0;
  for (size_t i = 0; i < rk.doubled_rank.size(); ++i) {
    if (rk.from_b[i] == track_b) observed += rk.doubled_rank[i];
  }
  const auto counts = subset_sum_counts(rk.doubled_rank, m);
  double total = 0, at_least = 0, at_most = 0;
  for (size_t s = 0; s < counts.size(); ++s) {
    total += counts[s];
    if (static_cast<long>(s) >= observed) at_least += counts[s];
    if (static_cast<long>(s) <= observed) at_most += counts[s];
  }
  // A large rank sum of b means b is larger; for a it means b is smaller.
  out.p_greater = (track_b ? at_least : at_most) / total;
  out.p_less = (track_b ? at_most : at_least) / total;
  out.exact = true;
}

void normal_p_values(const Ranked& rk, size_t n_a, size_t n_b, MannWhitney& out) {
  const double na = static_cast<double>(n_a), nb = static_cast<double>(n_b);
  const double n = na + nb;
  const double mu = na * nb / 2;
  const double var = na * nb / 12 * ((n + 1) - rk.tie_term / (n * (n - 1)));
  if (var <= 0) return;  // every value tied: no evidence either way
  const double sigma = std::sqrt(var);
  out.p_greater = normal_upper_tail((out.u_b - mu - 0.5) / sigma);
  out.p_less = normal_upper_tail(-(out.u_b - mu + 0.5) / sigma);
}

}  // namespace

MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitney out;
  if (a.empty() || b.empty()) return out;
  const Ranked rk = rank_combined(a, b);
  long doubled_rank_sum_b = 0;
  for (size_t i = 0; i < rk.doubled_rank.size(); ++i) {
    if (rk.from_b[i]) doubled_rank_sum_b += rk.doubled_rank[i];
  }
  const double nb = static_cast<double>(b.size());
  out.u_b = static_cast<double>(doubled_rank_sum_b) / 2 - nb * (nb + 1) / 2;
  if (a.size() + b.size() <= kMannWhitneyExactMaxN) {
    exact_p_values(rk, a.size(), b.size(), out);
  } else {
    normal_p_values(rk, a.size(), b.size(), out);
  }
  out.p_greater = std::min(1.0, out.p_greater);
  out.p_less = std::min(1.0, out.p_less);
  out.p_two_sided = std::min(1.0, 2 * std::min(out.p_greater, out.p_less));
  return out;
}

namespace {

double resample_mean(const std::vector<double>& v, std::mt19937_64& rng) {
  double sum = 0;
  const uint64_t n = v.size();
  // Modulo bias is below n / 2^64: irrelevant here, and unlike
  // std::uniform_int_distribution the sequence is the same on every platform.
  for (size_t i = 0; i < v.size(); ++i) sum += v[rng() % n];
  return sum / static_cast<double>(n);
}

}  // namespace

BootstrapCi bootstrap_mean_diff_ci(const std::vector<double>& a, const std::vector<double>& b,
                                   double alpha, int resamples, uint64_t seed) {
  if (a.empty() || b.empty() || resamples < 1) return {};
  std::mt19937_64 rng(seed);
  std::vector<double> diffs(static_cast<size_t>(resamples));
  for (auto& d : diffs) {
    const double ma = resample_mean(a, rng);
    d = resample_mean(b, rng) - ma;
  }
  std::sort(diffs.begin(), diffs.end());
  return {quantile_interpolated_sorted(diffs, alpha / 2),
          quantile_interpolated_sorted(diffs, 1 - alpha / 2)};
}

namespace {

double median_of(std::vector<double>& v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lo + hi) / 2;
}

double hodges_lehmann_into(const std::vector<double>& a, const std::vector<double>& b,
                           std::vector<double>& diffs) {
  diffs.clear();
  for (double x : a) {
    for (double y : b) diffs.push_back(y - x);
  }
  return median_of(diffs);
}

void resample(const std::vector<double>& v, std::mt19937_64& rng, std::vector<double>& out) {
  out.resize(v.size());
  for (auto& x : out) x = v[rng() % v.size()];
}

}  // namespace

double hodges_lehmann(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty()) return 0;
  std::vector<double> diffs;
  return hodges_lehmann_into(a, b, diffs);
}

BootstrapCi bootstrap_hodges_lehmann_ci(const std::vector<double>& a, const std::vector<double>& b,
                                        double alpha, int resamples, uint64_t seed) {
  if (a.empty() || b.empty() || resamples < 1) return {};
  std::mt19937_64 rng(seed);
  std::vector<double> shifts(static_cast<size_t>(resamples));
  std::vector<double> ra, rb, diffs;
  diffs.reserve(a.size() * b.size());
  for (auto& s : shifts) {
    resample(a, rng, ra);
    resample(b, rng, rb);
    s = hodges_lehmann_into(ra, rb, diffs);
  }
  std::sort(shifts.begin(), shifts.end());
  return {quantile_interpolated_sorted(shifts, alpha / 2),
          quantile_interpolated_sorted(shifts, 1 - alpha / 2)};
}

std::vector<double> holm_adjust(const std::vector<double>& p) {
  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t l, size_t r) { return p[l] < p[r]; });
  std::vector<double> out(p.size());
  const double m = static_cast<double>(p.size());
  double running = 0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const double scaled = std::min(1.0, (m - static_cast<double>(rank)) * p[order[rank]]);
    running = std::max(running, scaled);
    out[order[rank]] = running;
  }
  return out;
}

double smallest_one_sided_p(size_t n_a, size_t n_b) {
  if (n_a == 0 || n_b == 0) return 1;
  double c = 1;
  for (size_t i = 1; i <= n_b; ++i) {
    c = c * static_cast<double>(n_a + i) / static_cast<double>(i);
  }
  return 1 / c;
}

size_t repeats_to_reach(double threshold) {
  for (size_t n = 1; n <= 1000; ++n) {
    if (smallest_one_sided_p(n, n) <= threshold) return n;
  }
  return 0;
}

}  // namespace ktstr::report
