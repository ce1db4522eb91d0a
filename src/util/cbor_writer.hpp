// A small streaming CBOR (RFC 8949) writer: no document tree, no heap. Bytes
// go to a CborSink; the same emitting code can first run against a counting
// sink (to learn the length for a frame header) and then against a sink that
// writes through a fixed buffer to a file descriptor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "util/worker_path.hpp"

namespace ktstr {

class CborSink {
 public:
  virtual ~CborSink() = default;
  virtual void put(const uint8_t* data, size_t len) = 0;
};

// Counts bytes only.
class CborCounter final : public CborSink {
 public:
  KTSTR_WORKER_PATH void put(const uint8_t* /*data*/, size_t len) override { bytes_ += len; }
  uint64_t bytes() const { return bytes_; }

 private:
  uint64_t bytes_ = 0;
};

// Appends to a vector (for encoding in memory).
class CborVectorSink final : public CborSink {
 public:
  explicit CborVectorSink(std::vector<uint8_t>& out) : out_(out) {}
  void put(const uint8_t* data, size_t len) override { out_.insert(out_.end(), data, data + len); }

 private:
  std::vector<uint8_t>& out_;
};

// Buffers in place and writes full buffers to `fd` with write_all (only
// write(2): usable in a freshly forked child). ok() is false once a write failed; later bytes are
// dropped.
class CborFdWriter final : public CborSink {
 public:
  explicit CborFdWriter(int fd) : fd_(fd) {}
  void put(const uint8_t* data, size_t len) override;
  // Writes what is buffered; returns ok().
  bool flush();
  bool ok() const { return ok_; }

 private:
  int fd_;
  bool ok_ = true;
  size_t used_ = 0;
  uint8_t buf_[4096];
};

class CborWriter {
 public:
  explicit CborWriter(CborSink& sink) : sink_(sink) {}
  KTSTR_WORKER_PATH void uint(uint64_t v) { head(0, v); }
  KTSTR_WORKER_PATH void sint(int64_t v) {
    if (v >= 0) {
      head(0, static_cast<uint64_t>(v));
    } else {
      head(1, static_cast<uint64_t>(-(v + 1)));
    }
  }
  void real(double v);
  KTSTR_WORKER_PATH void boolean(bool v) { byte(v ? 0xf5 : 0xf4); }
  KTSTR_WORKER_PATH void null() { byte(0xf6); }
  KTSTR_WORKER_PATH void text(std::string_view s) {
    head(3, s.size());
    sink_.put(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  KTSTR_WORKER_PATH void array(uint64_t n) { head(4, n); }
  KTSTR_WORKER_PATH void map(uint64_t n) { head(5, n); }
  // A map entry's key; the value follows with any of the calls above.
  KTSTR_WORKER_PATH CborWriter& key(std::string_view k) {
    text(k);
    return *this;
  }

 private:
  KTSTR_WORKER_PATH void byte(uint8_t b) { sink_.put(&b, 1); }
  void head(uint8_t major, uint64_t v);
  CborSink& sink_;
};

}  // namespace ktstr
