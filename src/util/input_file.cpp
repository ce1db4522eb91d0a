#include "util/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

namespace ktstr {
namespace {

std::string size_text(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) {
    return fmt::format("{} MiB", bytes >> 20);
  }
  return fmt::format("{} bytes", bytes);
}

Unexpected<Error> too_big(const std::string& path, size_t max_bytes, std::string_view what) {
  return invalid_input(fmt::format("{} is larger than the limit of {}; is this the right file?",
                                   what, size_text(max_bytes)),
                       path);
}

}  // namespace

std::string_view file_type_name(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "a regular file";
    case S_IFDIR:
      return "a directory";
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFIFO:
      return "a FIFO";
    case S_IFSOCK:
      return "a socket";
    case S_IFLNK:
      return "a symbolic link";
    default:
      return "not a regular file";
  }
}

Result<RegularFile> open_regular_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) return sys_error("cannot open for reading", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return sys_error("cannot stat", path);
  if (!S_ISREG(st.st_mode)) {
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("is {}, not a regular file", file_type_name(st.st_mode)), EINVAL,
                      path);
  }
  // Most regular files ignore O_NONBLOCK, but some procfs ones honour it.
  // F_SETFL only sets the status flags, and O_NONBLOCK is the only one set.
  if (::fcntl(fd.get(), F_SETFL, 0) != 0) {
    return sys_error("cannot clear O_NONBLOCK", path);
  }
  return RegularFile{std::move(fd), static_cast<size_t>(st.st_size)};
}

Result<std::string> read_input_file(const std::string& path, size_t max_bytes,
                                    std::string_view what) {
  auto file = open_regular_file(path);
  if (!file) {
    const Error& e = file.error();
    if (e.kind == ErrorKind::kInvalidInput) {
      return invalid_input(fmt::format("{} {}; give the path of a file", what, e.message), path);
    }
    return make_error(ErrorKind::kInvalidInput, fmt::format("cannot read {}", what), e.err, path);
  }
  if (file->size_bytes > max_bytes) return too_big(path, max_bytes, what);
  std::string out;
  out.reserve(file->size_bytes);
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(file->fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::kInvalidInput, fmt::format("cannot read {}", what), errno, path);
    }
    if (n == 0) break;
    // Bounded even if the file grows while being read.
    if (out.size() + static_cast<size_t>(n) > max_bytes) return too_big(path, max_bytes, what);
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace ktstr
