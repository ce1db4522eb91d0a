// Per-worker scratch storage for the I/O work types (io.cpp) and the io
// phase of `sequence` (alu.cpp).
//
// A scratch region is either an anonymous file in a directory (O_TMPFILE,
// or a named file unlinked right after creation, so a SIGKILLed worker
// leaves nothing behind) or, only when the user names one and allowed it
// (io_devices.hpp), a slice of a raw block device. O_DIRECT is requested when asked for; where the
// filesystem refuses it (tmpfs, ramfs, ...) the region falls back to buffered I/O and says so in
// one warning.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "util/result.hpp"
#include "util/unique_fd.hpp"
#include "workload/telemetry.hpp"

namespace ktstr::workload {

inline constexpr size_t kIoBlockBytes = 4096;

struct ScratchOptions {
  std::string dir;     // "" = default_io_dir()
  std::string device;  // "" = use a file in dir; else a block device path
  uint64_t size_bytes = 0;
  bool want_direct = false;
  size_t worker_index = 0;       // picks this worker's slice of a device
  const char* type_name = "io";  // for warnings
};

struct ScratchRegion {
  UniqueFd fd;
  bool direct = false;  // O_DIRECT is in effect
  bool device = false;  // a raw block device, not a file
  uint64_t base = 0;    // byte offset of this worker's slice
  uint64_t size = 0;    // bytes in the slice, a multiple of kIoBlockBytes
  std::string where;    // path or directory, for messages
};

// $KTSTR_IO_DIR when set, else /var/tmp (persistent storage on most
// systems, unlike /tmp which is often tmpfs).
std::string default_io_dir();

// Opens the region; warnings (fallbacks) go to `tel`. Errors are
// environment errors naming the directory or device and the fix.
Result<ScratchRegion> open_scratch(const ScratchOptions& opt, Telemetry& tel);

// Writes the whole region once (so reads hit real blocks), syncs it and
// drops it from the page cache; honours stop between 1 MiB chunks.
// Returns false when stopped or on an I/O error (warned).
bool fill_scratch(ScratchRegion& r, const std::atomic<bool>& stop, Telemetry& tel);

// Page-aligned I/O buffer (O_DIRECT needs aligned memory).
struct FreeDeleter {
  void operator()(std::byte* p) const;
};
using AlignedBuffer = std::unique_ptr<std::byte, FreeDeleter>;
AlignedBuffer make_aligned_buffer(size_t bytes, uint64_t seed);

// Per-thread I/O counters from /proc/thread-self/io.
struct ProcIo {
  uint64_t rchar = 0, wchar = 0, read_bytes = 0, write_bytes = 0;
  bool ok = false;
};
ProcIo parse_proc_io(const std::string& text);
ProcIo read_thread_io();
// Records end − begin into tel extras io_rchar, io_wchar, io_read_bytes,
// io_write_bytes (absent when the counters could not be read).
void record_io_deltas(Telemetry& tel, const ProcIo& begin);

}  // namespace ktstr::workload
