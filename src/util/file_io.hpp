// Small whole-file helpers for procfs/sysfs/cgroupfs.
#pragma once

#include <cstddef>
#include <string>

#include "util/result.hpp"

namespace ktstr {

// Reads a whole (small) file. Error context is the path.
Result<std::string> read_file(const std::string& path);
// Writes all `len` bytes to `fd`, retrying short writes and EINTR; false on
// error or a zero-length write (errno is left alone). Issues write(2)
// inline: safe after fork and in signal handlers, and no libc code to fault
// in on a forked worker's way out.
bool write_all(int fd, const void* data, size_t len);
// Writes `data` with a single write(2) (what cgroupfs and procfs expect).
Status write_file(const std::string& path, const std::string& data);
// Writes `data` to `path` atomically enough for caches: temp file + rename.
Status write_file_atomic(const std::string& path, const std::string& data);

}  // namespace ktstr
