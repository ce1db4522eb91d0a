#include "sys/procfs.hpp"

#include <unistd.h>

#include <charconv>
#include <sstream>

#include "util/file_io.hpp"

namespace ktstr::sys {
namespace {

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Schedstat> parse_schedstat(std::string_view text) {
  std::istringstream in{std::string(text)};
  Schedstat s;
  if (!(in >> s.cpu_time_ns >> s.run_delay_ns >> s.run_count)) return std::nullopt;
  return s;
}

std::optional<Schedstat> read_thread_schedstat(pid_t tid) {
  auto text = read_file(fmt::format("/proc/{}/task/{}/schedstat", getpid(), tid));
  if (!text) return std::nullopt;
  return parse_schedstat(*text);
}

std::map<int, uint64_t> parse_numa_maps_pages(std::string_view text) {
  std::map<int, uint64_t> pages;
  size_t pos = 0;
  while ((pos = text.find(" N", pos)) != std::string_view::npos) {
    pos += 2;
    size_t eq = text.find('=', pos);
    size_t end = text.find_first_of(" \n", pos);
    if (eq == std::string_view::npos || (end != std::string_view::npos && eq > end)) continue;
    auto node = to_u64(text.substr(pos, eq - pos));
    auto count = to_u64(text.substr(eq + 1, end == std::string_view::npos ? end : end - eq - 1));
    if (node && count) pages[static_cast<int>(*node)] += *count;
  }
  return pages;
}

std::map<int, uint64_t> read_self_numa_pages() {
  auto text = read_file("/proc/self/numa_maps");
  if (!text) return {};
  return parse_numa_maps_pages(*text);
}

std::optional<uint64_t> parse_vmstat_counter(std::string_view text, std::string_view name) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (line.size() > name.size() && line.substr(0, name.size()) == name &&
        line[name.size()] == ' ') {
      return to_u64(line.substr(name.size() + 1));
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return std::nullopt;
}

std::optional<uint64_t> read_vmstat_counter(std::string_view name) {
  auto text = read_file("/proc/vmstat");
  if (!text) return std::nullopt;
  return parse_vmstat_counter(*text, name);
}

}  // namespace ktstr::sys
