#include "vm/temp_cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "sys/proc_pid.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"
#include "vm/cache.hpp"

namespace ktstr::vm {
namespace {

std::string default_tmp_root() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

// A real directory (not a symlink) owned by the calling user.
bool own_directory(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid();
}

}  // namespace

std::optional<OwnerMark> parse_owner_mark(const std::string& text) {
  std::istringstream in(text);
  long long pid = 0;
  unsigned long long ticks = 0;
  if (!(in >> pid >> ticks) || pid <= 0 || pid > 0x3fffffff) return std::nullopt;
  std::string rest;
  if (in >> rest) return std::nullopt;
  return OwnerMark{static_cast<pid_t>(pid), ticks};
}

Status write_owner_mark(const std::string& dir) {
  const pid_t self = ::getpid();
  auto ticks = sys::process_start_ticks(self);
  if (!ticks) return make_error(ErrorKind::kRuntime, "cannot read our own /proc/self/stat", 0, dir);
  const std::string path = dir + "/" + kOwnerMarkName;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) return sys_error("cannot create the owner mark", path);
  const std::string text = fmt::format("{} {}\n", self, *ticks);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return sys_error("cannot write the owner mark", path);
  }
  return {};
}

TempCleanupReport remove_stale_temp_dirs(const std::string& tmp_root, const std::string& procfs) {
  TempCleanupReport report;
  const std::string root = tmp_root.empty() ? default_tmp_root() : tmp_root;
  DIR* d = ::opendir(root.c_str());
  if (d == nullptr) return report;
  std::vector<std::string> candidates;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind("ktstr-", 0) == 0) candidates.push_back(root + "/" + name);
  }
  ::closedir(d);
  for (const auto& path : candidates) {
    if (!own_directory(path)) continue;
    auto text = read_file(path + "/" + kOwnerMarkName);
    if (!text) continue;
    auto mark = parse_owner_mark(*text);
    if (!mark) continue;
    // Gone, or the pid now names a process started at another time.
    auto ticks = sys::process_start_ticks(mark->pid, procfs);
    if (ticks && *ticks == mark->start_ticks) continue;
    if (Status s = remove_tree(path); !s) {
      report.errors.push_back(with_context(s.error(), "stale temp dir"));
      continue;
    }
    report.removed.push_back({path, mark->pid});
  }
  return report;
}

}  // namespace ktstr::vm
