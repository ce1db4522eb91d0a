// Fixed-capacity uniform sample of a stream (Vitter's Algorithm R) that
// also keeps the true number of values offered. The samples live in storage
// the caller provides (Telemetry: a small array in itself, then a mapping),
// so adding never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ktstr::workload {

inline constexpr size_t kReservoirCap = 100000;

class Reservoir {
 public:
  // `storage` has room for `cap` values and outlives the reservoir.
  Reservoir(uint64_t* storage, size_t cap, uint64_t seed = 0x9e3779b97f4a7c15ULL)
      : data_(storage), cap_(cap), rng_(seed | 1) {}

  void add(uint64_t v) {
    ++total_;
    if (size_ < cap_) {
      data_[size_++] = v;
      return;
    }
    // Keep the new value with probability cap/total, replacing a uniform slot.
    const uint64_t j = next() % total_;
    if (j < cap_) data_[j] = v;
  }
  uint64_t total() const { return total_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  // Full storage while every value offered is still kept: time to move to
  // bigger storage (relocate) if there is to be any.
  bool filling_full() const { return size_ == cap_ && total_ == size_; }
  std::span<const uint64_t> samples() const { return {data_, size_}; }
  // Moves the kept values to `storage` (room for `cap` >= size() values);
  // only while every value offered is kept, so the sample stays uniform.
  void relocate(uint64_t* storage, size_t cap) {
    for (size_t i = 0; i < size_; ++i) storage[i] = data_[i];
    data_ = storage;
    cap_ = cap;
  }

 private:
  uint64_t next() {  // xorshift64*: cheap, no syscalls, good enough for sampling
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545f4914f6cdd1dULL;
  }
  uint64_t* data_;
  size_t cap_;
  uint64_t rng_;
  uint64_t total_ = 0;
  size_t size_ = 0;
};

}  // namespace ktstr::workload
