// Writing files a user names (--json, --html, --junit, --trace, `ktstr
// report`'s outputs) and the harness's own caches, safely:
//  - a regular file (or a new one) is replaced atomically: the data goes to
//    a temp file with an unpredictable name in the same directory, created
//    with O_EXCL|O_NOFOLLOW (a planted file or symlink there is never used),
//    fsynced, then renamed over the target;
//  - a character device or FIFO (/dev/null, /dev/stdout on a terminal or a
//    pipe) is written directly and never replaced;
//  - a directory, a block device, a socket and a symlink to anything but a
//    device or FIFO are refused: following a link to a regular file would
//    let whoever planted it (e.g. in /tmp) choose which file gets replaced;
//  - "-" is standard output.
// The rules are documented in docs/reports.md ("Output files").
#pragma once

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr {

enum class OutputKind {
  kStdout,   // "-"
  kReplace,  // regular or absent: temp file + rename
  kStream,   // character device or FIFO: written in place
};

// Checks that `path` can be written under the rules above without writing
// anything: its directory exists and is writable, and the target (if
// present) is of an accepted type. kInvalidInput naming `flag` (e.g.
// "--json") and the fix otherwise. Call before any long work starts.
Result<OutputKind> check_output_path(const std::string& path, std::string_view flag);

// Writes `data` to `path` under the rules above (re-checked at write time).
Status write_output_file(const std::string& path, std::string_view data);

// Replaces `path` atomically with `data` (unpredictable temp name, O_EXCL|
// O_NOFOLLOW, rename), keeping an existing file's permission bits. With
// `durable` the data is fsynced before the rename, so a crash leaves the
// old or the new file, never an empty one (outputs); caches and scratch
// files that are rebuilt when lost skip it. The temp file never outlives a
// failure. A symlink at `path` is replaced by the file, not followed.
Status replace_file_atomic(const std::string& path, std::string_view data, bool durable = true);

// "<dir>/.<name>.tmp-<16 random hex digits>" for `path` (getrandom).
std::string temp_path_for(const std::string& path);

}  // namespace ktstr
