#include "util/cbor_reader.hpp"

#include <cstring>

#include <fmt/format.h>

namespace ktstr {
namespace {

constexpr int kMaxDepth = 64;  // nesting limit for skip()

}  // namespace

void CborReader::fail(const char* what) {
  if (error_.empty()) {
    error_ = fmt::format("CBOR: {} at byte {}", what, static_cast<size_t>(p_ - begin_));
  }
  p_ = end_;
}

bool CborReader::head(uint8_t& major, uint64_t& arg) {
  if (!ok()) return false;
  if (p_ >= end_) {
    fail("input ends inside an item");
    return false;
  }
  const uint8_t b = *p_;
  major = static_cast<uint8_t>(b >> 5);
  const uint8_t info = b & 0x1f;
  if (info < 24) {
    arg = info;
    ++p_;
    return true;
  }
  if (info > 27) {
    fail("indefinite lengths are not used");
    return false;
  }
  const size_t bytes = size_t{1} << (info - 24);
  if (static_cast<size_t>(end_ - p_) < 1 + bytes) {
    fail("input ends inside a head");
    return false;
  }
  arg = 0;
  for (size_t i = 1; i <= bytes; ++i) arg = (arg << 8) | p_[i];
  p_ += 1 + bytes;
  return true;
}

bool CborReader::expect(uint8_t major, uint64_t& arg, const char* what) {
  const uint8_t* at = p_;
  uint8_t m = 0;
  if (!head(m, arg)) return false;
  if (m != major) {
    p_ = at;
    fail(what);
    return false;
  }
  return true;
}

uint64_t CborReader::uint() {
  uint64_t v = 0;
  return expect(0, v, "expected an unsigned integer") ? v : 0;
}

int64_t CborReader::sint() {
  const uint8_t* at = p_;
  uint8_t m = 0;
  uint64_t arg = 0;
  if (!head(m, arg)) return 0;
  if ((m != 0 && m != 1) || arg > static_cast<uint64_t>(INT64_MAX)) {
    p_ = at;
    fail("expected an integer in int64 range");
    return 0;
  }
  return m == 0 ? static_cast<int64_t>(arg) : -1 - static_cast<int64_t>(arg);
}

double CborReader::real() {
  if (!ok()) return 0;
  if (p_ < end_ && (*p_ >> 5) <= 1) return static_cast<double>(sint());
  const uint8_t* at = p_;
  uint8_t m = 0;
  uint64_t bits = 0;
  if (!head(m, bits)) return 0;
  const uint8_t info = *at & 0x1f;
  if (m == 7 && info == 27) {
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  if (m == 7 && info == 26) {
    const auto b32 = static_cast<uint32_t>(bits);
    float f = 0;
    std::memcpy(&f, &b32, sizeof f);
    return f;
  }
  p_ = at;
  fail("expected a number");
  return 0;
}

bool CborReader::boolean() {
  if (ok() && p_ < end_ && (*p_ == 0xf4 || *p_ == 0xf5)) return *p_++ == 0xf5;
  fail("expected a boolean");
  return false;
}

bool CborReader::null() {
  if (ok() && p_ < end_ && *p_ == 0xf6) {
    ++p_;
    return true;
  }
  return false;
}

std::string_view CborReader::text() {
  uint64_t n = 0;
  if (!expect(3, n, "expected a text string")) return {};
  if (n > static_cast<uint64_t>(end_ - p_)) {
    fail("input ends inside a text string");
    return {};
  }
  std::string_view s(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
  p_ += n;
  return s;
}

uint64_t CborReader::array() {
  uint64_t n = 0;
  if (!expect(4, n, "expected an array")) return 0;
  // Every element takes at least one byte: a count beyond the input is a
  // lie, and must not size any allocation.
  if (n > static_cast<uint64_t>(end_ - p_)) {
    fail("array longer than the input");
    return 0;
  }
  return n;
}

uint64_t CborReader::map() {
  uint64_t n = 0;
  if (!expect(5, n, "expected a map")) return 0;
  if (n > static_cast<uint64_t>(end_ - p_) / 2) {
    fail("map longer than the input");
    return 0;
  }
  return n;
}

void CborReader::skip() {
  uint8_t m = 0;
  uint64_t arg = 0;
  if (!head(m, arg)) return;
  if (++depth_ > kMaxDepth) {
    fail("nesting too deep");
    return;
  }
  switch (m) {
    case 2:
    case 3:
      if (arg > static_cast<uint64_t>(end_ - p_)) {
        fail("input ends inside a string");
      } else {
        p_ += arg;
      }
      break;
    case 4:
      for (uint64_t i = 0; i < arg && ok(); ++i) skip();
      break;
    case 5:
      for (uint64_t i = 0; i < 2 * arg && ok(); ++i) skip();
      break;
    case 6:
      skip();  // a tag's content
      break;
    default:
      break;  // integers and simple values/floats are all head
  }
  --depth_;
}

}  // namespace ktstr
