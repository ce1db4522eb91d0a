#include "workload/work_types/io_file.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "util/check.hpp"
#include "util/file_io.hpp"
#include "workload/io_devices.hpp"
#include "workload/primitives.hpp"

namespace ktstr::workload {
namespace {

constexpr uint64_t kFillChunkBytes = 1 << 20;

// Filesystems whose pages are the storage: O_DIRECT is refused there and
// there is no disk below to measure.
const char* memory_fs_name(const std::string& dir) {
  struct statfs st {};
  if (statfs(dir.c_str(), &st) != 0) return nullptr;
  if (static_cast<unsigned long>(st.f_type) == TMPFS_MAGIC) return "tmpfs";
  if (static_cast<unsigned long>(st.f_type) == RAMFS_MAGIC) return "ramfs";
  return nullptr;
}

// An anonymous file in `dir`: O_TMPFILE where supported, else a named file
// unlinked at once. Either way nothing survives the fd.
Result<UniqueFd> open_anonymous_file(const std::string& dir) {
  UniqueFd fd(open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd) return fd;
  if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
    std::string path = dir + "/ktstr-io-XXXXXX";
    fd.reset(mkostemp(path.data(), O_CLOEXEC));
    if (fd) {
      unlink(path.c_str());
      return fd;
    }
  }
  return environment_error(
      "cannot create a scratch file here; set param dir= or KTSTR_IO_DIR to a writable directory",
      errno, dir);
}

bool enable_direct(int fd) {
  const int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0;
}

// The raw device path: only taken when the user named a device. O_EXCL on
// a block device fails with EBUSY while it is mounted, which keeps a typo
// from scribbling over a live filesystem.
Result<ScratchRegion> open_device(const ScratchOptions& opt) {
  // Validation checked this already; a C++ caller may have skipped it, and
  // the path may have changed since.
  KTSTR_TRY(check_device_allowed(opt.device));
  const int direct_flag = opt.want_direct ? O_DIRECT : 0;
  UniqueFd fd(open(opt.device.c_str(), O_RDWR | O_CLOEXEC | O_EXCL | direct_flag));
  if (!fd) {
    return environment_error(
        "cannot open the device exclusively for writing; name an unmounted test disk or drop "
        "param device",
        errno, opt.device);
  }
  // What was opened must still be a block device: a file swapped in after
  // the check above is left untouched.
  struct stat st {};
  uint64_t dev_bytes = 0;
  if (fstat(fd.get(), &st) != 0 || !S_ISBLK(st.st_mode)) {
    return invalid_input(
        fmt::format("param device={}: not a block device when opened", opt.device));
  }
  ioctl(fd.get(), BLKGETSIZE64, &dev_bytes);
  dev_bytes -= dev_bytes % kIoBlockBytes;
  if (dev_bytes < kIoBlockBytes) {
    return environment_error("the device is smaller than one 4 KiB block", 0, opt.device);
  }
  ScratchRegion r;
  r.size = opt.size_bytes < dev_bytes ? opt.size_bytes : dev_bytes;
  const uint64_t slices = dev_bytes / r.size;
  r.base = (opt.worker_index % slices) * r.size;
  r.fd = std::move(fd);
  r.direct = opt.want_direct;
  r.device = true;
  r.where = opt.device;
  return r;
}

}  // namespace

std::string default_io_dir() {
  const char* env = std::getenv("KTSTR_IO_DIR");
  return env != nullptr && *env != '\0' ? env : "/var/tmp";
}

Result<ScratchRegion> open_scratch(const ScratchOptions& opt, Telemetry& tel) {
  if (!opt.device.empty()) return open_device(opt);
  const std::string dir = opt.dir.empty() ? default_io_dir() : opt.dir;
  auto fd = open_anonymous_file(dir);
  if (!fd) return unexpected(fd.error());
  ScratchRegion r;
  r.fd = std::move(*fd);
  r.size = opt.size_bytes - opt.size_bytes % kIoBlockBytes;
  r.where = dir;
  // A memory-backed directory has no disk below it: O_DIRECT (accepted by
  // tmpfs since Linux 6.6, refused before) would measure nothing, so such
  // a directory always runs buffered, with one warning.
  if (const char* fs = memory_fs_name(dir)) {
    tel.warn(
        fmt::format("{}: {} is {} (memory-backed): {}no I/O reaches a disk; set param dir= "
                    "or KTSTR_IO_DIR to a disk-backed directory",
                    opt.type_name, dir, fs,
                    opt.want_direct ? "O_DIRECT is not used (buffered I/O with "
                                      "posix_fadvise(DONTNEED) instead) and "
                                    : ""));
  } else if (opt.want_direct) {
    r.direct = enable_direct(r.fd.get());
    if (!r.direct) {
      tel.warn(
          fmt::format("{}: O_DIRECT is not supported in {} ({}); using buffered I/O with "
                      "posix_fadvise(DONTNEED); set param dir= or KTSTR_IO_DIR to a "
                      "directory on a filesystem that supports it",
                      opt.type_name, dir, std::strerror(errno)));
    }
  }
  return r;
}

bool fill_scratch(ScratchRegion& r, const std::atomic<bool>& stop, Telemetry& tel) {
  // Buffered writes are much faster to issue than O_DIRECT ones; O_DIRECT
  // is switched back on once the data is on disk.
  const int fl = fcntl(r.fd.get(), F_GETFL);
  if (r.direct) fcntl(r.fd.get(), F_SETFL, fl & ~O_DIRECT);
  AlignedBuffer buf = make_aligned_buffer(kFillChunkBytes, r.base + 1);
  for (uint64_t off = 0; off < r.size; off += kFillChunkBytes) {
    if (stop.load(std::memory_order_relaxed)) return false;
    const uint64_t n = r.size - off < kFillChunkBytes ? r.size - off : kFillChunkBytes;
    if (pwrite(r.fd.get(), buf.get(), n, static_cast<off_t>(r.base + off)) !=
        static_cast<ssize_t>(n)) {
      tel.warn(fmt::format("preparing {} failed: {}", r.where, std::strerror(errno)));
      return false;
    }
  }
  fdatasync(r.fd.get());
  posix_fadvise(r.fd.get(), static_cast<off_t>(r.base), static_cast<off_t>(r.size),
                POSIX_FADV_DONTNEED);
  if (r.direct) fcntl(r.fd.get(), F_SETFL, fl);
  return true;
}

void FreeDeleter::operator()(std::byte* p) const {
  std::free(p);
}

AlignedBuffer make_aligned_buffer(size_t bytes, uint64_t seed) {
  auto* p = static_cast<std::byte*>(std::aligned_alloc(kIoBlockBytes, bytes));
  KTSTR_CHECK(p != nullptr, "aligned_alloc");
  // Incompressible contents, so a compressing or deduplicating device
  // still moves every byte.
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    const uint64_t v = next_random(seed);
    std::memcpy(p + i, &v, 8);
  }
  return AlignedBuffer(p);
}

ProcIo parse_proc_io(const std::string& text) {
  ProcIo io;
  std::istringstream in(text);
  std::string key;
  uint64_t value = 0;
  int seen = 0;
  while (in >> key >> value) {
    uint64_t* field = key == "rchar:"         ? &io.rchar
                      : key == "wchar:"       ? &io.wchar
                      : key == "read_bytes:"  ? &io.read_bytes
                      : key == "write_bytes:" ? &io.write_bytes
                                              : nullptr;
    if (field == nullptr) continue;
    *field = value;
    ++seen;
  }
  io.ok = seen == 4;
  return io;
}

ProcIo read_thread_io() {
  auto text = read_file("/proc/thread-self/io");
  return text ? parse_proc_io(*text) : ProcIo{};
}

void record_io_deltas(Telemetry& tel, const ProcIo& begin) {
  const ProcIo end = read_thread_io();
  if (!begin.ok || !end.ok) return;
  tel.set_extra("io_rchar", static_cast<double>(end.rchar - begin.rchar));
  tel.set_extra("io_wchar", static_cast<double>(end.wchar - begin.wchar));
  tel.set_extra("io_read_bytes", static_cast<double>(end.read_bytes - begin.read_bytes));
  tel.set_extra("io_write_bytes", static_cast<double>(end.write_bytes - begin.write_bytes));
}

}  // namespace ktstr::workload
