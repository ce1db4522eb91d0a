#include "util/cbor_writer.hpp"

#include <algorithm>
#include <cstring>

#include "util/file_io.hpp"
#include "util/worker_path.hpp"

namespace ktstr {

// no-tree-loop-distribute-patterns: else GCC turns the byte loop below
// back into a memcpy call.
KTSTR_WORKER_PATH [[gnu::optimize("no-tree-loop-distribute-patterns")]] void CborFdWriter::put(
    const uint8_t* data, size_t len) {
  while (len > 0 && ok_) {
    if (used_ == sizeof buf_ && !flush()) return;
    size_t n = std::min(len, sizeof buf_ - used_);
    // CBOR arrives a few bytes at a time; a loop keeps libc's memcpy (a
    // code window a forked worker would fault in) for long strings only.
    if (n <= 64) {
      for (size_t i = 0; i < n; ++i) buf_[used_ + i] = data[i];
    } else {
      std::memcpy(buf_ + used_, data, n);
    }
    used_ += n;
    data += n;
    len -= n;
  }
}

KTSTR_WORKER_PATH bool CborFdWriter::flush() {
  if (ok_ && used_ > 0) ok_ = write_all(fd_, buf_, used_);
  used_ = 0;
  return ok_;
}

KTSTR_WORKER_PATH void CborWriter::head(uint8_t major, uint64_t v) {
  uint8_t b[9];
  size_t n = 0;
  const auto mt = static_cast<uint8_t>(major << 5);
  if (v < 24) {
    b[n++] = static_cast<uint8_t>(mt | v);
  } else {
    int bytes = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffULL ? 4 : 8;
    b[n++] = static_cast<uint8_t>(mt | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27));
    for (int i = bytes - 1; i >= 0; --i) b[n++] = static_cast<uint8_t>(v >> (8 * i));
  }
  sink_.put(b, n);
}

KTSTR_WORKER_PATH void CborWriter::real(double v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  uint8_t b[9];
  b[0] = 0xfb;  // major 7, float64
  for (int i = 0; i < 8; ++i) b[1 + i] = static_cast<uint8_t>(bits >> (8 * (7 - i)));
  sink_.put(b, sizeof b);
}

}  // namespace ktstr
