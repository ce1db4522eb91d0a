#include "sched/kmsg.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <regex>

namespace ktstr::sched {

std::optional<KmsgRecord> parse_kmsg_record(std::string_view raw) {
  size_t semi = raw.find(';');
  if (semi == std::string_view::npos) return std::nullopt;
  std::string prefix(raw.substr(0, semi));
  KmsgRecord r;
  char* end = nullptr;
  long pri = std::strtol(prefix.c_str(), &end, 10);
  if (end == prefix.c_str() || *end != ',') return std::nullopt;
  r.level = static_cast<int>(pri & 7);
  r.seq = std::strtoull(end + 1, &end, 10);
  if (*end != ',') return std::nullopt;
  r.timestamp_us = std::strtoull(end + 1, &end, 10);
  std::string_view msg = raw.substr(semi + 1);
  size_t nl = msg.find('\n');
  r.message = std::string(msg.substr(0, nl));
  return r;
}

std::optional<SchedExtDisable> parse_disable_line(std::string_view message) {
  static const std::regex re(R"re(sched_ext: BPF scheduler "([^"]*)" disabled \((.*)\)\s*$)re");
  std::string m(message);
  std::smatch match;
  if (!std::regex_search(m, match, re)) return std::nullopt;
  return SchedExtDisable{match[1].str(), match[2].str()};
}

bool is_stall_line(std::string_view message) {
  static const std::regex re(R"(\S+\[\d+\] failed to run for \d+\.\d+s)");
  std::string m(message);
  return std::regex_search(m, re);
}

bool is_sched_ext_line(std::string_view message) {
  return message.rfind("sched_ext:", 0) == 0;
}

KmsgReader::KmsgReader(const std::string& path)
    : fd_(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {}

std::vector<KmsgRecord> KmsgReader::read_available() {
  std::vector<KmsgRecord> out;
  if (!fd_) return out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n < 0 && errno == EPIPE) continue;  // overwritten records: skip ahead
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (auto r = parse_kmsg_record(std::string_view(buf, static_cast<size_t>(n)))) {
      out.push_back(std::move(*r));
    }
  }
  return out;
}

}  // namespace ktstr::sched
