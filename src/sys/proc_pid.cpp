#include "sys/proc_pid.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace ktstr::sys {
namespace {

// Small procfs files only (stat, wchan, stack): one read of up to 8 KiB.
std::string read_small(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buf[8192];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// The fields after "(comm) ", split on spaces; field 3 is element 0.
std::vector<std::string_view> fields_after_comm(std::string_view stat) {
  std::vector<std::string_view> out;
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return out;
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const size_t end = rest.find_first_of(" \n");
    out.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  return out;
}

const char* state_name(char s) {
  switch (s) {
    case 'R':
      return "running";
    case 'S':
      return "sleeping";
    case 'D':
      return "disk sleep";
    case 'T':
      return "stopped";
    case 't':
      return "tracing stop";
    case 'Z':
      return "zombie";
    case 'X':
      return "dead";
    case 'I':
      return "idle";
    default:
      return "unknown";
  }
}

// "[<0>] __refrigerator+0x4c/0x130" -> "__refrigerator".
std::string stack_symbol(std::string_view line) {
  const size_t sp = line.find("] ");
  if (sp != std::string_view::npos) line.remove_prefix(sp + 2);
  const size_t plus = line.find('+');
  return std::string(line.substr(0, plus));
}

}  // namespace

std::optional<char> parse_stat_state(std::string_view stat) {
  auto f = fields_after_comm(stat);
  if (f.empty() || f[0].size() != 1) return std::nullopt;
  return f[0][0];
}

std::optional<uint64_t> parse_stat_start_ticks(std::string_view stat) {
  auto f = fields_after_comm(stat);
  constexpr size_t kStartTime = 22 - 3;  // field 22, counted from field 3
  if (f.size() <= kStartTime) return std::nullopt;
  uint64_t v = 0;
  std::string_view t = f[kStartTime];
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
  return v;
}

std::string format_stuck_evidence(std::string_view stat, std::string_view wchan,
                                  std::string_view stack) {
  std::string out;
  if (auto s = parse_stat_state(stat)) out = fmt::format("state {} ({})", *s, state_name(*s));
  while (!wchan.empty() && (wchan.back() == '\n' || wchan.back() == ' ')) wchan.remove_suffix(1);
  if (!wchan.empty() && wchan != "0") {
    out += fmt::format("{}wchan {}", out.empty() ? "" : ", ", wchan);
  }
  std::string frames;
  size_t shown = 0;
  while (!stack.empty() && shown < 8) {
    const size_t nl = stack.find('\n');
    std::string sym = stack_symbol(stack.substr(0, nl));
    if (!sym.empty()) {
      frames += fmt::format("{}{}", shown == 0 ? "" : " <- ", sym);
      ++shown;
    }
    if (nl == std::string_view::npos) break;
    stack.remove_prefix(nl + 1);
  }
  if (!frames.empty()) out += fmt::format("{}stack: {}", out.empty() ? "" : ", ", frames);
  return out.empty() ? "no procfs evidence" : out;
}

std::string stuck_evidence(pid_t pid, const std::string& procfs) {
  const std::string dir = fmt::format("{}/{}", procfs, pid);
  const std::string stat = read_small(dir + "/stat");
  if (stat.empty() && ::access(dir.c_str(), F_OK) != 0) return "process gone";
  return format_stuck_evidence(stat, read_small(dir + "/wchan"), read_small(dir + "/stack"));
}

std::optional<uint64_t> process_start_ticks(pid_t pid, const std::string& procfs) {
  return parse_stat_start_ticks(read_small(fmt::format("{}/{}/stat", procfs, pid)));
}

}  // namespace ktstr::sys
