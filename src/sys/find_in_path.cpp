#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "sys/subprocess.hpp"

namespace ktstr::sys {
namespace {

constexpr std::string_view kDefaultPath = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

Result<std::string> find_in_path(std::string_view name, std::string_view path_list) {
  std::string prog(name);
  if (prog.empty()) return invalid_input("empty program name");
  if (prog.find('/') != std::string::npos) {
    if (is_executable_file(prog)) return prog;
    return environment_error("not an executable file", 0, prog);
  }
  size_t start = 0;
  while (start <= path_list.size()) {
    size_t end = path_list.find(':', start);
    if (end == std::string_view::npos) end = path_list.size();
    std::string_view dir = path_list.substr(start, end - start);
    std::string cand = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + prog;
    if (is_executable_file(cand)) return cand;
    start = end + 1;
  }
  return environment_error(fmt::format("not found in PATH ({})", path_list), 0, prog);
}

Result<std::string> find_in_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  return find_in_path(name, path != nullptr ? std::string_view(path) : kDefaultPath);
}

}  // namespace ktstr::sys
