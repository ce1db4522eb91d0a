// Small whole-file helpers for procfs/sysfs/cgroupfs.
#pragma once

#include <cstddef>
#include <string>

#include "util/result.hpp"

namespace ktstr {

// Reads a whole (small) system file: procfs, sysfs, cgroupfs, the harness's
// own files. Regular files only (a FIFO or device is refused without
// blocking; see open_regular_file). Files a user names go through
// read_input_file (util/input_file.hpp), which also bounds the size.
// Error context is the path.
Result<std::string> read_file(const std::string& path);
// Writes all `len` bytes to `fd`, retrying short writes and EINTR; false on
// error or a zero-length write (errno is left alone). Issues write(2)
// inline: safe after fork and in signal handlers, and no libc code to fault
// in on a forked worker's way out.
bool write_all(int fd, const void* data, size_t len);
// Writes `data` with a single write(2) (what cgroupfs and procfs expect).
Status write_file(const std::string& path, const std::string& data);
// Writes `data` to `path` atomically enough for caches and scratch files:
// replace_file_atomic without fsync (util/output_file.hpp).
Status write_file_atomic(const std::string& path, const std::string& data);

}  // namespace ktstr
