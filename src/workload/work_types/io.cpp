// I/O families: synchronous writes, random direct reads and a mixed
// write/read convoy. Each blocks in the block layer, so the samples are
// I/O completion plus wakeup latency. Storage: see io_file.hpp.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "workload/io_devices.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"
#include "workload/work_types/io_file.hpp"

namespace ktstr::workload {
namespace {

constexpr int kSyncWriteBatch = 16;
constexpr int kConvoySyncEvery = 16;

void idle_until_stop(WorkerContext& ctx) {
  while (!ctx.stopped()) sleep_ns(ctx, kStopPollNs);
}

// Opens (and, for reading types, fills) this worker's region. A device
// that cannot be opened degrades to a file; a directory that cannot hold a
// file leaves the worker idle with a warning (it must not crash or spin).
std::optional<ScratchRegion> open_region(WorkerContext& ctx, const char* type_name, bool direct,
                                         bool fill) {
  ScratchOptions opt;
  opt.dir = ctx.params->get_str("dir");
  opt.device = ctx.params->get_str("device");
  opt.size_bytes = static_cast<uint64_t>(ctx.params->get_int("file_mib")) << 20;
  opt.want_direct = direct;
  opt.worker_index = ctx.worker_index;
  opt.type_name = type_name;
  auto region = open_scratch(opt, *ctx.tel);
  if (!region && !opt.device.empty()) {
    ctx.tel->warn(fmt::format("{}: {}; using a file in the I/O directory instead", type_name,
                              region.error().describe()));
    opt.device.clear();
    region = open_scratch(opt, *ctx.tel);
  }
  if (!region) {
    ctx.tel->warn(fmt::format("{}: {}; no I/O done", type_name, region.error().describe()));
    idle_until_stop(ctx);
    return std::nullopt;
  }
  if (fill && !region->device && !fill_scratch(*region, *ctx.stop, *ctx.tel)) {
    idle_until_stop(ctx);
    return std::nullopt;
  }
  return std::move(*region);
}

// What every I/O type reports at the end, plus its own syscall-level and
// block-level counters so callers can check the bytes were really moved.
struct IoTally {
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  ProcIo io_begin = read_thread_io();

  // Reports, then idles out the rest of the run when I/O stopped early.
  void finish(WorkerContext& ctx, const ScratchRegion& r) const {
    ctx.tel->set_extra("bytes_read", static_cast<double>(bytes_read));
    ctx.tel->set_extra("bytes_written", static_cast<double>(bytes_written));
    ctx.tel->set_extra("direct", r.direct ? 1 : 0);
    ctx.tel->set_extra("raw_device", r.device ? 1 : 0);
    record_io_deltas(*ctx.tel, io_begin);
    idle_until_stop(ctx);
  }
};

// One warning naming the failed call; the caller then reports and idles,
// so a persistent I/O error does not turn into a hot error loop.
void warn_io_failure(WorkerContext& ctx, const char* type_name, const char* what,
                     const ScratchRegion& r) {
  ctx.tel->warn(fmt::format("{}: {} on {} failed: {}; stopping I/O", type_name, what, r.where,
                            std::strerror(errno)));
}

bool write_block(const ScratchRegion& r, const AlignedBuffer& buf, uint64_t block) {
  const auto off = static_cast<off_t>(r.base + block * kIoBlockBytes);
  return pwrite(r.fd.get(), buf.get(), kIoBlockBytes, off) == static_cast<ssize_t>(kIoBlockBytes);
}

// A cache-missing 4 KiB read: O_DIRECT, or buffered after dropping the page.
bool read_block(const ScratchRegion& r, const AlignedBuffer& buf, uint64_t block) {
  const auto off = static_cast<off_t>(r.base + block * kIoBlockBytes);
  if (!r.direct) posix_fadvise(r.fd.get(), off, kIoBlockBytes, POSIX_FADV_DONTNEED);
  return pread(r.fd.get(), buf.get(), kIoBlockBytes, off) == static_cast<ssize_t>(kIoBlockBytes);
}

void run_io_sync_write(WorkerContext& ctx) {
  auto r = open_region(ctx, "io_sync_write", false, false);
  if (!r) return;
  const AlignedBuffer buf = make_aligned_buffer(kIoBlockBytes, ctx.seed);
  const uint64_t blocks = r->size / kIoBlockBytes;
  uint64_t next_block = 0;
  IoTally tally;
  while (!ctx.stopped()) {
    for (int i = 0; i < kSyncWriteBatch; ++i) {
      if (!write_block(*r, buf, next_block)) {
        warn_io_failure(ctx, "io_sync_write", "write", *r);
        return tally.finish(ctx, *r);
      }
      next_block = (next_block + 1) % blocks;
      tally.bytes_written += kIoBlockBytes;
    }
    ctx.tel->add_units(kSyncWriteBatch);
    const uint64_t before = mono_ns();
    if (fdatasync(r->fd.get()) != 0) {
      warn_io_failure(ctx, "io_sync_write", "fdatasync", *r);
      break;
    }
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->after_block();
    ctx.tel->iteration();
  }
  tally.finish(ctx, *r);
}

void run_io_rand_read(WorkerContext& ctx) {
  auto r = open_region(ctx, "io_rand_read", true, true);
  if (!r) return;
  const AlignedBuffer buf = make_aligned_buffer(kIoBlockBytes, ctx.seed);
  const uint64_t blocks = r->size / kIoBlockBytes;
  uint64_t rng = ctx.seed;
  IoTally tally;
  while (!ctx.stopped()) {
    const uint64_t block = next_random(rng) % blocks;
    const uint64_t before = mono_ns();
    if (!read_block(*r, buf, block)) {
      warn_io_failure(ctx, "io_rand_read", "read", *r);
      break;
    }
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->after_block();
    tally.bytes_read += kIoBlockBytes;
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  tally.finish(ctx, *r);
}

// Writes march through the region while reads land at random, with a
// sync every few steps: the queue mixes streaming writes, random reads
// and flushes, as a database log plus lookups would.
void run_io_convoy(WorkerContext& ctx) {
  auto r = open_region(ctx, "io_convoy", true, true);
  if (!r) return;
  const AlignedBuffer wbuf = make_aligned_buffer(kIoBlockBytes, ctx.seed);
  const AlignedBuffer rbuf = make_aligned_buffer(kIoBlockBytes, ctx.seed + 1);
  const uint64_t blocks = r->size / kIoBlockBytes;
  uint64_t rng = ctx.seed;
  uint64_t next_block = 0;
  uint64_t steps = 0;
  IoTally tally;
  while (!ctx.stopped()) {
    const uint64_t before = mono_ns();
    const char* failed = nullptr;
    if (!write_block(*r, wbuf, next_block)) {
      failed = "write";
    } else if (!read_block(*r, rbuf, next_random(rng) % blocks)) {
      failed = "read";
    } else if (++steps % kConvoySyncEvery == 0 && fdatasync(r->fd.get()) != 0) {
      failed = "fdatasync";
    }
    if (failed != nullptr) {
      warn_io_failure(ctx, "io_convoy", failed, *r);
      break;
    }
    next_block = (next_block + 1) % blocks;
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->after_block();
    tally.bytes_written += kIoBlockBytes;
    tally.bytes_read += kIoBlockBytes;
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  tally.finish(ctx, *r);
}

Status validate_io(const ParamValues& p) {
  for (const char* key : {"dir", "device"}) {
    const std::string& v = p.get_str(key);
    if (!v.empty() && v[0] != '/') {
      return invalid_input(
          fmt::format("param {}={}: must be an absolute path (or empty for the default)", key, v));
    }
  }
  const std::string& device = p.get_str("device");
  return device.empty() ? Status{} : check_device_allowed(device);
}

std::vector<ParamDef> io_params() {
  return {{"dir", ParamKind::kString, "",
           "directory for the per-worker scratch file (empty: $KTSTR_IO_DIR, else /var/tmp); "
           "should not be tmpfs"},
          {"device", ParamKind::kString, "",
           "raw block device to use instead of a file, e.g. /dev/vdb (its contents are "
           "destroyed; it must be allowed with --allow-device); each worker gets its own "
           "file_mib slice"},
          {"file_mib", ParamKind::kInt, "64", "size of each worker's file or device slice (MiB)", 1,
           1 << 20}};
}

}  // namespace

void register_io_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "io_sync_write",
           .family = "io",
           .summary = "16 x 4 KiB buffered writes then fdatasync; samples the fdatasync",
           .params = io_params(),
           .samples = "wake",
           .validate = validate_io,
           .needs = {"disk"},
           .run = run_io_sync_write});
  reg.add({.name = "io_rand_read",
           .family = "io",
           .summary = "O_DIRECT 4 KiB reads at random aligned offsets of a prepared file",
           .params = io_params(),
           .samples = "wake",
           .validate = validate_io,
           .needs = {"disk"},
           .run = run_io_rand_read});
  reg.add({.name = "io_convoy",
           .family = "io",
           .summary = "O_DIRECT 4 KiB write + random read per step, fdatasync every 16 steps",
           .params = io_params(),
           .samples = "wake",
           .validate = validate_io,
           .needs = {"disk"},
           .run = run_io_convoy});
}

}  // namespace ktstr::workload
