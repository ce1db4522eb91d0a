// Which block devices this process may overwrite. The I/O work types write
// to a raw device only when the user allowed it by name (`--allow-device`
// on `ktstr run` and `ktstr workload`); otherwise only to files they create
// themselves (io_file.hpp). A regular file, a character device or a
// directory is never a "device", allowed or not.
//
// The allowance is process-wide: set once by the command line before any
// work spec is validated and any worker exists (it is not locked), read by
// validation (param device=) and again by each worker when it opens the
// device. Forked workers inherit it.
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::workload {

// Replaces the allowance. Each path must name a block device (symlinks are
// followed); else kInvalidInput naming --allow-device and the path.
Status set_allowed_devices(const std::vector<std::string>& paths);

// Ok when `path` resolves to a block device in the allowance; else
// kInvalidInput naming `param device=<path>` and the fix.
Status check_device_allowed(const std::string& path);

}  // namespace ktstr::workload
