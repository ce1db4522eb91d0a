#include "vm/cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "vm/temp_cleanup.hpp"

namespace ktstr::vm {

CacheEnv CacheEnv::from_process() {
  auto get = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  return CacheEnv{get("KTSTR_CACHE_DIR"), get("XDG_CACHE_HOME"), get("HOME")};
}

std::string cache_root(const CacheEnv& env) {
  if (!env.ktstr_cache_dir.empty()) return env.ktstr_cache_dir;
  if (!env.xdg_cache_home.empty()) return env.xdg_cache_home + "/ktstr";
  if (!env.home.empty()) return env.home + "/.cache/ktstr";
  return {};
}

uint64_t fnv1a64(std::string_view data, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string hex64(uint64_t v) {
  return fmt::format("{:016x}", v);
}

Result<uint64_t> hash_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return sys_error("cannot open for hashing", path);
  uint64_t h = 0xcbf29ce484222325ULL;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read failed", path);
    if (n == 0) break;
    h = fnv1a64(std::string_view(buf.data(), static_cast<size_t>(n)), h);
  }
  return h;
}

Status make_dirs(const std::string& path) {
  if (path.empty()) return {};
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) {
      return sys_error("cannot create directory", cur);
    }
  }
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

Status remove_tree(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? Status{} : sys_error("cannot stat", path);
  }
  if (S_ISDIR(st.st_mode)) {
    DIR* d = ::opendir(path.c_str());
    if (!d) return sys_error("cannot open directory", path);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names) KTSTR_TRY(remove_tree(path + "/" + n));
    if (::rmdir(path.c_str()) != 0) return sys_error("cannot remove directory", path);
    return {};
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_error("cannot remove", path);
  return {};
}

uint64_t tree_size_bytes(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  if (!S_ISDIR(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  uint64_t total = 0;
  if (DIR* d = ::opendir(path.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") total += tree_size_bytes(path + "/" + n);
    }
    ::closedir(d);
  }
  return total;
}

Status copy_file(const std::string& from, const std::string& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return sys_error("cannot open for copying", from);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return sys_error("cannot stat", from);
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777));
  if (!out) return sys_error("cannot create", to);
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read failed", from);
    if (n == 0) break;
    ssize_t off = 0;
    while (off < n) {
      ssize_t w = ::write(out.get(), buf.data() + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return sys_error("write failed", to);
      off += w;
    }
  }
  ::fchmod(out.get(), st.st_mode & 07777);
  return {};
}

Result<UniqueFd> lock_exclusive(const std::string& path, const std::string& waiting_note) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return sys_error("cannot open lock file", path);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return fd;
  if (errno != EWOULDBLOCK) return sys_error("flock failed", path);
  if (!waiting_note.empty()) fmt::print(stderr, "{}\n", waiting_note);
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return sys_error("flock failed", path);
  }
  return fd;
}

Result<TempDir> TempDir::create(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) return sys_error("mkdtemp failed", tmpl);
  TempDir dir{std::string(buf.data())};
  // Owner mark: lets the next run or `ktstr cleanup` remove it if we die.
  KTSTR_TRY(write_owner_mark(dir.path()));
  return dir;
}

TempDir& TempDir::operator=(TempDir&& o) noexcept {
  if (this != &o) {
    if (!path_.empty()) (void)remove_tree(path_);
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() {
  if (!path_.empty()) (void)remove_tree(path_);
}

std::string TempDir::release() {
  std::string p = std::move(path_);
  path_.clear();
  return p;
}

}  // namespace ktstr::vm
