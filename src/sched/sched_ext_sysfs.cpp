#include "sched/sched_ext_sysfs.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include "util/file_io.hpp"

namespace ktstr::sched {
namespace {

std::string read_trimmed(const std::string& path) {
  auto r = read_file(path);
  if (!r) return {};
  std::string s = *r;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

SchedExtState read_sched_ext_state(const std::string& sysfs_root) {
  SchedExtState st;
  std::string dir = sysfs_root + "/kernel/sched_ext";
  struct stat sb {};
  st.supported = ::stat(dir.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode);
  if (!st.supported) return st;
  st.state = read_trimmed(dir + "/state");
  st.ops = read_trimmed(dir + "/root/ops");
  std::string seq = read_trimmed(dir + "/enable_seq");
  if (!seq.empty()) st.enable_seq = std::strtoll(seq.c_str(), nullptr, 10);
  return st;
}

}  // namespace ktstr::sched
