#include "cgroup/fs_ops.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::cgroup::detail {
namespace {

// EBUSY from a veto is retried this many times in all (writes only; rmdir
// retries until the deadline because exiting tasks take unbounded time).
constexpr int kMaxWriteAttempts = 8;
constexpr uint64_t kMaxBackoffMs = 50;

bool retryable(int err) {
  return err == EBUSY || err == EAGAIN || err == EINTR;
}

uint64_t elapsed_ms(uint64_t start_ns) {
  return (mono_ns() - start_ns) / 1000000ULL;
}

void backoff(int attempt) {
  uint64_t ms = std::min<uint64_t>(kMaxBackoffMs, 1ULL << std::min(attempt, 6));
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// One attempt; returns 0 or errno.
int write_once(const std::string& path, std::string_view data) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return errno;
  ssize_t n = ::write(fd.get(), data.data(), data.size());
  if (n < 0) return errno;
  return static_cast<size_t>(n) == data.size() ? 0 : EIO;
}

Status late(const std::string& path, std::string_view what, uint64_t took_ms, uint64_t timeout_ms) {
  return make_error(
      ErrorKind::kRuntime,
      fmt::format("{} took {} ms, over the {} ms deadline", what, took_ms, timeout_ms), ETIMEDOUT,
      path);
}

}  // namespace

Status write_bounded(const std::string& path, std::string_view data, uint64_t timeout_ms) {
  uint64_t start = mono_ns();
  std::string shown(data.substr(0, data.find('\n')));
  for (int attempt = 1;; ++attempt) {
    int err = write_once(path, data);
    uint64_t took = elapsed_ms(start);
    if (err == 0) {
      if (took > timeout_ms)
        return late(path, fmt::format("write of '{}'", shown), took, timeout_ms);
      return {};
    }
    if (!retryable(err) || attempt >= kMaxWriteAttempts || took >= timeout_ms) {
      std::string msg = fmt::format("write of '{}' failed", shown);
      if (attempt > 1) msg += fmt::format(" after {} attempts in {} ms", attempt, took);
      if (err == EBUSY) msg += "; the kernel or the running sched_ext scheduler refused it";
      return make_error(ErrorKind::kRuntime, std::move(msg), err, path);
    }
    backoff(attempt);
  }
}

Status rmdir_bounded(const std::string& path, uint64_t timeout_ms) {
  uint64_t start = mono_ns();
  for (int attempt = 1;; ++attempt) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) {
      uint64_t took = elapsed_ms(start);
      if (took > timeout_ms) return late(path, "rmdir", took, timeout_ms);
      return {};
    }
    int err = errno;
    if (!retryable(err) || elapsed_ms(start) >= timeout_ms) {
      std::string msg = "cannot remove cgroup";
      if (err == EBUSY) msg += " (it still has tasks or child cgroups)";
      return make_error(ErrorKind::kRuntime, std::move(msg), err, path);
    }
    backoff(attempt);
  }
}

std::string hierarchy_root(const std::string& dir) {
  std::string root = dir;
  for (;;) {
    size_t slash = root.rfind('/');
    if (slash == std::string::npos || slash == 0) return root;
    std::string parent = root.substr(0, slash);
    if (::access((parent + "/cgroup.procs").c_str(), F_OK) != 0) return root;
    root = std::move(parent);
  }
}

Status mkdir_if_missing(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) == 0) return {};
  if (errno == EEXIST) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
    return make_error(ErrorKind::kRuntime,
                      "cannot create cgroup: a file of that name exists (pick another name)",
                      EEXIST, path);
  }
  return sys_error("cannot create cgroup", path);
}

Result<std::vector<pid_t>> read_procs(const std::string& dir) {
  std::string file = dir + "/cgroup.procs";
  auto text = read_file(file);
  if (!text) {
    if (text.error().err == ENOENT) return std::vector<pid_t>{};
    return unexpected(text.error());
  }
  std::vector<pid_t> pids;
  const char* p = text->data();
  const char* end = p + text->size();
  while (p < end) {
    if (*p == '\n' || *p == ' ') {
      ++p;
      continue;
    }
    pid_t pid = 0;
    auto [next, ec] = std::from_chars(p, end, pid);
    if (ec != std::errc()) {
      return make_error(ErrorKind::kRuntime, "unexpected content in cgroup.procs", 0, file);
    }
    pids.push_back(pid);
    p = next;
  }
  return pids;
}

Result<std::vector<std::string>> list_subdirs(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return sys_error("cannot list cgroup", dir);
  std::vector<std::string> out;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::stat((dir + "/" + e->d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (is_dir) out.emplace_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Result<size_t> drain(const std::string& dir, const std::string& target, uint64_t timeout_ms) {
  uint64_t start = mono_ns();
  size_t moved = 0;
  for (;;) {
    auto pids = read_procs(dir);
    if (!pids) return unexpected(pids.error());
    if (pids->empty()) return moved;
    if (elapsed_ms(start) > timeout_ms) {
      return make_error(ErrorKind::kRuntime,
                        fmt::format("{} task(s) still in the cgroup after {} ms of draining",
                                    pids->size(), timeout_ms),
                        ETIMEDOUT, dir);
    }
    for (pid_t pid : *pids) {
      Status s = write_bounded(target + "/cgroup.procs", std::to_string(pid), timeout_ms);
      // ESRCH: the task exited between the read and the write.
      if (!s && s.error().err != ESRCH) return unexpected(s.error());
      if (s) ++moved;
    }
  }
}

Status remove_tree(const std::string& dir, const std::string& target, uint64_t timeout_ms,
                   size_t& moved) {
  Status first;
  auto keep = [&first](Status s) {
    if (!s && first) first = std::move(s);
  };
  auto children = list_subdirs(dir);
  if (!children) {
    if (children.error().err == ENOENT) return {};
    return unexpected(children.error());
  }
  for (const std::string& child : *children) {
    keep(remove_tree(fmt::format("{}/{}", dir, child), target, timeout_ms, moved));
  }
  auto n = drain(dir, target, timeout_ms);
  if (n) {
    moved += *n;
  } else {
    keep(unexpected(n.error()));
  }
  keep(rmdir_bounded(dir, timeout_ms));
  return first;
}

}  // namespace ktstr::cgroup::detail
