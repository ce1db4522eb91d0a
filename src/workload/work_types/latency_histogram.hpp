// A log-linear latency histogram (nanoseconds): exact below 64 ns, then 64
// buckets per power of two, so a percentile is within ~1.6% of the true
// value. Fixed size, no allocation after construction, mergeable; one per
// thread, merged at the end.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "util/stats.hpp"

namespace ktstr::workload {

class LatencyHistogram {
 public:
  void add(uint64_t ns) {
    ++counts_[index(ns)];
    ++total_;
    max_ = std::max(max_, ns);
  }
  void merge(const LatencyHistogram& o) {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    max_ = std::max(max_, o.max_);
  }
  uint64_t total() const { return total_; }
  uint64_t max() const { return max_; }
  // The value at quantile q (0 < q <= 1) by the nearest-rank rule of
  // util/stats.hpp applied to bucket counts: the sample at rank
  // nearest_rank(total, 100 q) lies in some bucket, and its value is
  // estimated as that bucket's midpoint, never above max(); the largest
  // sample is max() exactly. It differs from percentile_sorted on the raw
  // samples only by the bucket resolution. 0 when empty. Monotonic in q, so
  // p50 <= p99 <= p999 <= max.
  uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    const uint64_t rank = nearest_rank(total_, q * 100);
    if (rank >= total_) return max_;
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(midpoint(i), max_);
    }
    return max_;
  }

 private:
  static constexpr unsigned kSubBits = 6;
  static constexpr uint64_t kSub = 1ULL << kSubBits;
  static constexpr size_t kBuckets = (64 - kSubBits + 1) * kSub;

  static size_t index(uint64_t v) {
    if (v < kSub) return v;
    const unsigned msb = 63U - static_cast<unsigned>(std::countl_zero(v));
    const unsigned shift = msb - kSubBits;
    return (shift + 1) * kSub + ((v >> shift) - kSub);
  }
  static uint64_t midpoint(size_t i) {
    if (i < kSub) return i;
    const size_t shift = i / kSub - 1;
    const uint64_t low = (kSub + i % kSub) << shift;
    return low + ((1ULL << shift) >> 1);
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace ktstr::workload
