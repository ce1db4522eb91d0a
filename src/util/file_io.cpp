#include "util/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/input_file.hpp"
#include "util/output_file.hpp"
#include "util/raw_syscall.hpp"
#include "util/unique_fd.hpp"
#include "util/worker_path.hpp"

namespace ktstr {

KTSTR_WORKER_PATH bool write_all(int fd, const void* data, size_t len) {
  const auto* p = static_cast<const char*>(data);
  while (len > 0) {
    const long n = raw_write(fd, p, len);
    if (n == -EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

Result<std::string> read_file(const std::string& path) {
  auto file = open_regular_file(path);
  if (!file) return unexpected(file.error());
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(file->fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error("read failed", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status write_file(const std::string& path, const std::string& data) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return sys_error("cannot open for writing", path);
  ssize_t n = ::write(fd.get(), data.data(), data.size());
  if (n < 0) return sys_error(fmt::format("write of '{}' failed", data), path);
  if (static_cast<size_t>(n) != data.size()) {
    return make_error(ErrorKind::kRuntime, "short write", 0, path);
  }
  return {};
}

Status write_file_atomic(const std::string& path, const std::string& data) {
  return replace_file_atomic(path, data, /*durable=*/false);
}

}  // namespace ktstr
