#include "util/output_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "util/input_file.hpp"
#include "util/unique_fd.hpp"

namespace ktstr {
namespace {

struct DirAndName {
  std::string dir, name;
};

DirAndName split_path(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string context_of(const std::string& path, std::string_view flag) {
  return flag.empty() ? path : fmt::format("{} {}", flag, path);
}

// Unpredictable without blocking: before the kernel's CRNG is ready (early
// in a guest boot) GRND_INSECURE still gives distinct names, and O_EXCL
// keeps even a guessed name harmless.
void fill_random(unsigned char* buf, size_t len) {
  if (::getrandom(buf, len, GRND_NONBLOCK) == static_cast<ssize_t>(len)) return;
  if (::getrandom(buf, len, GRND_INSECURE) == static_cast<ssize_t>(len)) return;
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  const uint64_t mix = static_cast<uint64_t>(ts.tv_nsec) ^
                       (static_cast<uint64_t>(ts.tv_sec) << 20) ^
                       (static_cast<uint64_t>(::getpid()) << 40);
  for (size_t i = 0; i < len; ++i) buf[i] = static_cast<unsigned char>(mix >> (8 * (i % 8)));
}

Status check_dir(const std::string& dir, const std::string& ctx) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return invalid_input(
          fmt::format("directory {} does not exist; create it first (mkdir -p {})", dir, dir), ctx);
    }
    return make_error(ErrorKind::kInvalidInput, fmt::format("cannot use directory {}", dir), errno,
                      ctx);
  }
  if (!S_ISDIR(st.st_mode)) {
    return invalid_input(fmt::format("{} is not a directory", dir), ctx);
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("directory {} is not writable; choose another path", dir), errno,
                      ctx);
  }
  return {};
}

// 0 or the errno of the failed write(2).
int write_fully(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

bool is_stream(mode_t mode) {
  return S_ISCHR(mode) || S_ISFIFO(mode);
}

Result<OutputKind> check_link(const std::string& path, const std::string& ctx) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && is_stream(st.st_mode)) return OutputKind::kStream;
  return invalid_input(
      "is a symbolic link; ktstr replaces files only at their real path (a planted link could "
      "choose which file gets replaced): give the link's target, or '-' for standard output",
      ctx);
}

Status write_stream(const std::string& path, std::string_view data) {
  // No O_TRUNC and a type check before the first byte: if the path was
  // swapped for a regular file since the check, nothing is written to it.
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return sys_error("cannot open for writing", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !is_stream(st.st_mode)) {
    return invalid_input("changed while ktstr was running; nothing was written", path);
  }
  if (int e = write_fully(fd.get(), data); e != 0) {
    return make_error(ErrorKind::kRuntime, "write failed", e, path);
  }
  return {};
}

Status write_stdout(std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout)) {
    return sys_error("cannot write to standard output");
  }
  return {};
}

Result<UniqueFd> create_temp(const std::string& path, std::string& tmp) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    tmp = temp_path_for(path);
    UniqueFd fd(
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666));
    if (fd) return fd;
    if (errno != EEXIST) return sys_error("cannot create a temp file next to", path);
  }
  return make_error(ErrorKind::kRuntime, "no free temp file name next to", EEXIST, path);
}

}  // namespace

std::string temp_path_for(const std::string& path) {
  const auto [dir, name] = split_path(path);
  unsigned char rnd[8];
  fill_random(rnd, sizeof rnd);
  std::string hex;
  for (unsigned char c : rnd) hex += fmt::format("{:02x}", c);
  // Stays under NAME_MAX (255) for any name that itself fits.
  return fmt::format("{}/.{}.tmp-{}", dir, name.substr(0, 200), hex);
}

Result<OutputKind> check_output_path(const std::string& path, std::string_view flag) {
  const std::string ctx = context_of(path, flag);
  if (path.empty()) return invalid_input("needs a file name (or '-' for standard output)", ctx);
  if (path == "-") return OutputKind::kStdout;
  const auto [dir, name] = split_path(path);
  if (name.empty() || name == "." || name == "..") {
    return invalid_input("names a directory; give a file name inside it", ctx);
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) {
      return make_error(ErrorKind::kInvalidInput, "cannot use this path", errno, ctx);
    }
    KTSTR_TRY(check_dir(dir, ctx));
    return OutputKind::kReplace;
  }
  if (S_ISLNK(st.st_mode)) return check_link(path, ctx);
  if (S_ISDIR(st.st_mode)) {
    return invalid_input("is a directory; give a file name inside it", ctx);
  }
  if (is_stream(st.st_mode)) {
    if (::access(path.c_str(), W_OK) != 0) {
      return make_error(ErrorKind::kInvalidInput, "is not writable", errno, ctx);
    }
    return OutputKind::kStream;
  }
  if (!S_ISREG(st.st_mode)) {
    return invalid_input(fmt::format("is {}; give a regular file, a character device or a FIFO",
                                     file_type_name(st.st_mode)),
                         ctx);
  }
  KTSTR_TRY(check_dir(dir, ctx));
  return OutputKind::kReplace;
}

Status write_output_file(const std::string& path, std::string_view data) {
  auto kind = check_output_path(path, "");
  if (!kind) return unexpected(kind.error());
  switch (*kind) {
    case OutputKind::kStdout:
      return write_stdout(data);
    case OutputKind::kStream:
      return write_stream(path, data);
    case OutputKind::kReplace:
      break;
  }
  return replace_file_atomic(path, data);
}

Status replace_file_atomic(const std::string& path, std::string_view data, bool durable) {
  struct stat old {};
  const bool keep_mode = ::lstat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode);
  std::string tmp;
  auto fd = create_temp(path, tmp);
  if (!fd) return unexpected(fd.error());
  auto fail = [&tmp, &path](const char* what, int err) {
    ::unlink(tmp.c_str());
    return make_error(ErrorKind::kRuntime, what, err, path);
  };
  if (keep_mode && ::fchmod(fd->get(), old.st_mode & 07777) != 0) return fail("chmod", errno);
  if (int e = write_fully(fd->get(), data); e != 0) return fail("write failed", e);
  if (durable && ::fsync(fd->get()) != 0) return fail("fsync failed", errno);
  if (::close(fd->release()) != 0) return fail("close failed", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename failed", errno);
  return {};
}

}  // namespace ktstr
