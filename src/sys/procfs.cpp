#include "sys/procfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdint>

#include "util/file_io.hpp"
#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"

namespace ktstr::sys {
namespace {

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) return std::nullopt;
  return v;
}

}  // namespace

KTSTR_WORKER_PATH std::optional<Schedstat> parse_schedstat(std::string_view text) {
  // Three unsigned numbers separated by blanks. A digit loop rather than
  // streams or from_chars: every forked worker parses this, and any
  // out-of-line helper is one more code window for it to fault in.
  uint64_t v[3] = {0, 0, 0};
  const char* p = text.data();
  const char* end = p + text.size();
  for (uint64_t& out : v) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n')) ++p;
    const char* digits = p;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) {
      const auto d = static_cast<uint64_t>(*p - '0');
      if (out > (UINT64_MAX - d) / 10) return std::nullopt;
      out = out * 10 + d;
    }
    if (p == digits) return std::nullopt;
  }
  return Schedstat{v[0], v[1], v[2]};
}

KTSTR_WORKER_PATH int open_thread_schedstat(pid_t tid) {
  // A forked worker is its own thread-group leader, and /proc/self/schedstat
  // shows the leader's own numbers: that path creates fewer procfs dentries
  // (each costs a slow lookup now and an invalidation when the worker is
  // reaped). Other threads need the task/<tid> path. Formatted on the stack
  // and opened inline: no allocation or libc code in a freshly forked child.
  char path[48] = "/proc/self/schedstat";
  if (tid != raw_getpid()) {
    constexpr std::string_view kTask = "/proc/self/task/", kFile = "/schedstat";
    // Only threads take this branch, never a freshly forked worker.
    char* p = std::copy(kTask.begin(), kTask.end(), path);
    p = std::to_chars(p, path + sizeof path - kFile.size() - 1, tid).ptr;
    *std::copy(kFile.begin(), kFile.end(), p) = '\0';
  }
  const long fd = raw_syscall(SYS_openat, AT_FDCWD, raw_arg(path), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) return static_cast<int>(fd);
  errno = static_cast<int>(-fd);
  return -1;
}

KTSTR_WORKER_PATH std::optional<Schedstat> read_schedstat_fd(int fd) {
  char buf[128];
  const long got = raw_syscall(SYS_pread64, fd, raw_arg(buf), sizeof buf, 0);
  if (got <= 0) return std::nullopt;
  return parse_schedstat(std::string_view(buf, static_cast<size_t>(got)));
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
