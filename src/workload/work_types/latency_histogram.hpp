// A log-linear latency histogram (nanoseconds): exact below 64 ns, then 64
// buckets per power of two, so a percentile is within ~1.6% of the true
// value. Fixed size, no allocation after construction, mergeable; one per
// thread, merged at the end.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

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
  // The value at quantile q (0 < q <= 1): the midpoint of the bucket that
  // holds the ceil(q·total)-th smallest sample, never above max(); the
  // largest sample is max() exactly. 0 when empty. Monotonic in q, so p50 <= p99 <= p999 <= max.
  uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    const auto rank =
        std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_))));
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
