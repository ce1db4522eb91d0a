#include "topology/sysfs_parse.hpp"

#include <cctype>
#include <charconv>

namespace ktstr::topo {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<int> parse_sysfs_int(std::string_view text) {
  std::string_view s = trim(text);
  int v = 0;
  if (s.empty() || !parse_number(s, v)) {
    return invalid_input(fmt::format("expected an integer, found '{}'", s));
  }
  return v;
}

Result<uint64_t> parse_node_memtotal_bytes(std::string_view meminfo) {
  constexpr std::string_view kKey = "MemTotal:";
  constexpr uint64_t kKiB = 1024;
  size_t at = meminfo.find(kKey);
  if (at == std::string_view::npos) return invalid_input("no MemTotal line in node meminfo");
  std::string_view rest = meminfo.substr(at + kKey.size());
  rest = rest.substr(0, rest.find('\n'));
  rest = trim(rest);
  size_t space = rest.find(' ');
  std::string_view number = rest.substr(0, space);
  std::string_view unit = space == std::string_view::npos ? "" : trim(rest.substr(space));
  uint64_t value = 0;
  if (!parse_number(number, value) || unit != "kB") {
    return invalid_input(fmt::format("MemTotal line '{}' is not '<number> kB'", rest));
  }
  return value * kKiB;
}

Result<std::vector<int>> parse_distances(std::string_view text) {
  std::vector<int> out;
  std::string_view rest = trim(text);
  while (!rest.empty()) {
    size_t end = 0;
    while (end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[end]))) ++end;
    int v = 0;
    if (!parse_number(rest.substr(0, end), v) || v < 0) {
      return invalid_input(fmt::format("distance '{}' in '{}' is not a non-negative number",
                                       rest.substr(0, end), trim(text)));
    }
    out.push_back(v);
    rest = trim(rest.substr(end));
  }
  if (out.empty()) return invalid_input("distance list is empty");
  return out;
}

}  // namespace ktstr::topo
