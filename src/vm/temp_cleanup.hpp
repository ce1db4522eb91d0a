// Temp directories of runs that died. Every vm::TempDir (initramfs staging,
// VM scratch with the result FIFO and QEMU's stderr, kernel downloads)
// carries an owner mark: the creating process's pid and its start time
// (field 22 of /proc/PID/stat). A SIGKILLed run cannot remove its own; the
// next run's start and `ktstr cleanup` remove every marked `ktstr-*`
// directory whose owner is gone. The start time makes a reused pid count as
// gone; a live run's directory is never touched.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

// Name of the mark file inside a temp dir; content "<pid> <start_ticks>\n".
inline constexpr const char* kOwnerMarkName = ".ktstr-owner";

struct OwnerMark {
  pid_t pid = 0;
  uint64_t start_ticks = 0;
};

// Parses a mark file's content; nullopt when malformed.
std::optional<OwnerMark> parse_owner_mark(const std::string& text);
// Writes the calling process's mark into `dir`.
Status write_owner_mark(const std::string& dir);

struct StaleTempDir {
  std::string path;
  pid_t pid = 0;  // its dead owner
};

struct TempCleanupReport {
  std::vector<StaleTempDir> removed;
  std::vector<Error> errors;
};

// Removes the stale `ktstr-*` temp dirs directly under `tmp_root` (empty:
// $TMPDIR or /tmp) that belong to the calling user. Directories without a
// mark (made by an older ktstr) are left alone.
TempCleanupReport remove_stale_temp_dirs(const std::string& tmp_root = "",
                                         const std::string& procfs = "/proc");

}  // namespace ktstr::vm
