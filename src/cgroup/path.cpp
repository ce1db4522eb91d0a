#include "cgroup/path.hpp"

#include <charconv>

namespace ktstr::cgroup {
namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

Status reject(std::string_view rel, std::string_view rule) {
  return invalid_input(fmt::format("invalid cgroup path: {}", rule),
                       fmt::format("cgroup '{}'", rel));
}

}  // namespace

Status validate_cgroup_path(std::string_view rel) {
  if (rel.empty()) return reject(rel, "the name is empty");
  if (rel.front() == '/') {
    return reject(rel, "absolute paths are not allowed; name a cgroup relative to the run tree");
  }
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    std::string_view comp = rel.substr(start, end - start);
    if (comp.empty()) return reject(rel, "empty path component (leading, trailing or doubled '/')");
    if (comp == "." || comp == "..") {
      return reject(rel,
                    "'.' and '..' components are not allowed (paths must stay in the run tree)");
    }
    if (comp.size() > kMaxNameLen) {
      return reject(rel, fmt::format("component longer than {} characters", kMaxNameLen));
    }
    for (char c : comp) {
      if (!is_name_char(c)) {
        return reject(rel, "only letters, digits, '_', '.' and '-' are allowed in a component");
      }
    }
    start = end + 1;
  }
  return {};
}

std::optional<pid_t> run_name_pid(std::string_view name) {
  constexpr std::string_view kPrefix = "ktstr-";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = name.substr(kPrefix.size());
  pid_t pid = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || ptr == rest.data() || pid <= 0 || rest.front() == '0') {
    return std::nullopt;
  }
  std::string_view tail = rest.substr(static_cast<size_t>(ptr - rest.data()));
  if (tail.empty()) return pid;
  if (tail.size() < 2 || tail.front() != '-') return std::nullopt;
  for (char c : tail.substr(1)) {
    if (!is_name_char(c)) return std::nullopt;
  }
  return pid;
}

std::string make_run_name(pid_t pid, std::string_view tag) {
  if (tag.empty()) return fmt::format("ktstr-{}", pid);
  return fmt::format("ktstr-{}-{}", pid, tag);
}

}  // namespace ktstr::cgroup
