#include "util/cpu_list.hpp"

#include <charconv>

namespace ktstr {
namespace {

Result<int> parse_int(std::string_view s, std::string_view whole) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) {
    return invalid_input(
        fmt::format("'{}' is not a CPU list like \"0-3,5\" (bad number '{}')", whole, s));
  }
  if (v > kMaxCpuId) {
    return invalid_input(
        fmt::format("'{}': CPU {} is past the largest CPU number Linux supports "
                    "({})",
                    whole, v, kMaxCpuId));
  }
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

Result<CpuSet> parse_cpu_list(std::string_view text) {
  CpuSet out;
  std::string_view rest = trim(text);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.empty()) continue;
    size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      auto v = parse_int(item, text);
      if (!v) return unexpected(v.error());
      out.insert(*v);
      continue;
    }
    auto lo = parse_int(item.substr(0, dash), text);
    if (!lo) return unexpected(lo.error());
    auto hi = parse_int(item.substr(dash + 1), text);
    if (!hi) return unexpected(hi.error());
    if (*hi < *lo) {
      return invalid_input(fmt::format("'{}': range {} is reversed; write low-high", text, item));
    }
    for (int c = *lo; c <= *hi; ++c) out.insert(c);
  }
  return out;
}

std::string format_cpu_list(const CpuSet& cpus) {
  std::string out;
  auto it = cpus.begin();
  while (it != cpus.end()) {
    int lo = *it;
    int hi = lo;
    ++it;
    while (it != cpus.end() && *it == hi + 1) hi = *it++;
    if (!out.empty()) out += ',';
    out += lo == hi ? fmt::format("{}", lo) : fmt::format("{}-{}", lo, hi);
  }
  return out;
}

}  // namespace ktstr
