// Fixed-capacity uniform sample of a stream (Vitter's Algorithm R) that
// also keeps the true number of values offered.
#pragma once

#include <cstdint>
#include <vector>

namespace ktstr::workload {

inline constexpr size_t kReservoirCap = 100000;

class Reservoir {
 public:
  explicit Reservoir(size_t cap = kReservoirCap, uint64_t seed = 0x9e3779b97f4a7c15ULL)
      : cap_(cap), rng_(seed | 1) {}

  void add(uint64_t v) {
    ++total_;
    if (samples_.size() < cap_) {
      samples_.push_back(v);
      return;
    }
    // Keep the new value with probability cap/total, replacing a uniform slot.
    uint64_t j = next() % total_;
    if (j < cap_) samples_[j] = v;
  }
  uint64_t total() const { return total_; }
  const std::vector<uint64_t>& samples() const { return samples_; }
  std::vector<uint64_t> take() { return std::move(samples_); }

 private:
  uint64_t next() {  // xorshift64*: cheap, no syscalls, good enough for sampling
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545f4914f6cdd1dULL;
  }
  size_t cap_;
  uint64_t rng_;
  uint64_t total_ = 0;
  std::vector<uint64_t> samples_;
};

}  // namespace ktstr::workload
