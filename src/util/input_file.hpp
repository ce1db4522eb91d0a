// Reading files a user names (scenario TOML, run documents): they must be
// regular files below a size limit, so a FIFO, a device, a directory or a
// huge file is refused at once with exit 2 instead of hanging the harness
// or exhausting its memory (docs/scenarios.md, docs/results.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace ktstr {

// A scenario file: the largest shipped one is under 1 KiB; 1 MiB is ~25,000
// lines of TOML, far past anything written by hand or generated sensibly.
inline constexpr size_t kScenarioFileMaxBytes = size_t{1} << 20;
// A kernel config fragment (`ktstr kernel build --config-fragment`): a whole
// .config is ~300 KiB.
inline constexpr size_t kConfigFragmentMaxBytes = size_t{1} << 20;
// A run document (`ktstr run --json`, read by `report` and `compare`): a
// --raw run keeps every worker report, about 5 KiB each (measured: 11 KiB for
// a 2-worker steady run), so the whole catalogue x 10 repeats x 64 workers
// is ~190 MiB; the limit admits that and bounds the parse (parsed JSON takes
// several times its text).
inline constexpr size_t kResultFileMaxBytes = size_t{256} << 20;

// An open regular file and its size at open time (bytes; 0 for procfs,
// sysfs and cgroupfs files, whose size is only known by reading).
struct RegularFile {
  UniqueFd fd;
  size_t size_bytes = 0;
};

// Opens `path` for reading without blocking (O_NONBLOCK|O_CLOEXEC|O_NOCTTY,
// so a FIFO with no writer cannot hang the open) and returns it only if it
// is a regular file (O_NONBLOCK cleared again). Anything else is kInvalidInput
// with errno EINVAL ("a FIFO, not a regular file"); an open failure is
// kRuntime with its errno. The context is the path.
Result<RegularFile> open_regular_file(const std::string& path);

// Opens `path` without blocking (O_NONBLOCK, so a FIFO with no writer cannot
// hang the open) and refuses anything but a regular file before reading.
// Reads at most `max_bytes`; a larger file (by fstat, or by what it yields)
// is refused too. Every refusal is kInvalidInput whose message names `what`
// ("scenario file", "run document") and the fix; the context is the path.
Result<std::string> read_input_file(const std::string& path, size_t max_bytes,
                                    std::string_view what);

// "a FIFO", "a directory", "a character device", ... for a stat mode.
std::string_view file_type_name(unsigned mode);

}  // namespace ktstr
