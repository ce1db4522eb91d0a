// A small CBOR (RFC 8949) reader for what CborWriter writes: definite-length
// items, integers, text, arrays, maps, booleans, null and floats. Reads in
// place (text comes back as views into the input); the first failure sticks
// and names the byte offset, so a caller can check once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ktstr {

class CborReader {
 public:
  CborReader(const uint8_t* data, size_t size) : p_(data), begin_(data), end_(data + size) {}

  bool ok() const { return error_.empty(); }
  // "" while ok(); else what went wrong and where.
  const std::string& error() const { return error_; }
  bool at_end() const { return p_ == end_; }
  // Bytes not yet read: what any count read from the input must fit in.
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  // Records `what` (with the current offset) unless an error is already set.
  void fail(const char* what);

  // Each reads one item of the named kind; on anything else (or truncated
  // input) it records an error and returns a zero value.
  uint64_t uint();
  int64_t sint();  // major 0 or 1
  double real();   // float64 or float32, or an integer
  bool boolean();
  std::string_view text();
  uint64_t array();  // element count
  uint64_t map();    // pair count
  // Consumes a null and returns true, or leaves the input and returns false.
  bool null();
  // Skips one item of any kind (nested ones included).
  void skip();

 private:
  // The head of the next item: major type and argument.
  bool head(uint8_t& major, uint64_t& arg);
  bool expect(uint8_t major, uint64_t& arg, const char* what);

  const uint8_t* p_;
  const uint8_t* begin_;
  const uint8_t* end_;
  std::string error_;
  int depth_ = 0;
};

}  // namespace ktstr
