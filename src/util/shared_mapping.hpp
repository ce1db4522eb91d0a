// Move-only owner of an anonymous MAP_SHARED region (survives fork, so
// forked workers and the parent see the same bytes).
#pragma once

#include <cstddef>
#include <utility>

#include "util/result.hpp"

namespace ktstr {

class SharedMapping {
 public:
  SharedMapping() = default;
  // Maps `size_bytes` zeroed bytes, rounded up to a page. size 0 = no mapping.
  static Result<SharedMapping> create(size_t size_bytes);
  SharedMapping(SharedMapping&& o) noexcept
      : addr_(std::exchange(o.addr_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  SharedMapping& operator=(SharedMapping&& o) noexcept {
    if (this != &o) {
      reset();
      addr_ = std::exchange(o.addr_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  ~SharedMapping() { reset(); }

  std::byte* data() const { return static_cast<std::byte*>(addr_); }
  size_t size() const { return size_; }
  void reset();

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ktstr
