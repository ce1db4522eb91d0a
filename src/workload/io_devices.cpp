#include "workload/io_devices.hpp"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace ktstr::workload {
namespace {

// The realpath of each allowed device. No lock: written once before any
// worker exists, and a forked worker must not wait on a lock a thread of
// its parent held at fork time.
std::vector<std::string>& allowance() {
  static std::vector<std::string> canonical;
  return canonical;
}

// The canonical path of a block device, or why `path` is not one.
Result<std::string> block_device(const std::string& path, const std::string& field) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) {
    return invalid_input(
        fmt::format("{}: cannot resolve {}: {}", field, path, std::strerror(errno)));
  }
  struct stat st {};
  if (stat(buf, &st) != 0 || !S_ISBLK(st.st_mode)) {
    return invalid_input(
        fmt::format("{}: {} is not a block device; I/O work types overwrite only block devices "
                    "allowed with --allow-device, or files they create themselves (param dir=)",
                    field, path));
  }
  return std::string(buf);
}

}  // namespace

Status set_allowed_devices(const std::vector<std::string>& paths) {
  std::vector<std::string> canonical;
  for (const auto& p : paths) {
    auto dev = block_device(p, "--allow-device");
    if (!dev) return unexpected(dev.error());
    canonical.push_back(std::move(*dev));
  }
  allowance() = std::move(canonical);
  return {};
}

Status check_device_allowed(const std::string& path) {
  const std::string field = "param device=" + path;
  auto dev = block_device(path, field);
  if (!dev) return unexpected(dev.error());
  for (const auto& c : allowance()) {
    if (c == *dev) return {};
  }
  return invalid_input(fmt::format(
      "{}: ktstr overwrites a block device only when it is allowed by name: pass "
      "--allow-device {} (its contents are destroyed), or drop param device to use a file",
      field, path));
}

}  // namespace ktstr::workload
