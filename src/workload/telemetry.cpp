#include "workload/telemetry.hpp"

#include <sys/mman.h>
#include <sys/rseq.h>

#include "sys/procfs.hpp"
#include "sys/sched.hpp"
#include "util/cpu_list.hpp"
#include "util/file_io.hpp"
#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"
#include "workload/wakeup.hpp"

#include <fmt/format.h>

namespace ktstr::workload {
namespace {

constexpr size_t kMigrationBytes = kMaxMigrationsKept * sizeof(Migration);
constexpr size_t kReservoirBytes = kReservoirCap * sizeof(uint64_t);
constexpr size_t kBufferBytes = (kMigrationBytes + 3 * kReservoirBytes + 4095) & ~size_t{4095};

// Address space for the arrays, reserved without backing: a page is
// zero-filled when a sample first lands in it. Issued inline (mmap is one
// more libc code window for a forked worker). Null if the kernel refused.
KTSTR_WORKER_PATH void* map_buffers() {
  const long addr = raw_syscall(SYS_mmap, 0, kBufferBytes, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (addr < 0 && addr > -4096) return nullptr;
  return reinterpret_cast<void*>(addr);  // NOLINT(performance-no-int-to-ptr)
}

uint64_t* reservoir_storage(void* buffers, int which) {
  return reinterpret_cast<uint64_t*>(static_cast<char*>(buffers) + kMigrationBytes +
                                     static_cast<size_t>(which) * kReservoirBytes);
}

}  // namespace

KTSTR_WORKER_PATH bool numa_telemetry_enabled() {
  static const bool enabled = [] {
    auto online = read_file("/sys/devices/system/node/online");
    if (!online) return false;
    auto nodes = parse_cpu_list(*online);
    return nodes && nodes->size() > 1;
  }();
  return enabled;
}

KTSTR_WORKER_PATH int current_cpu() {
  // glibc (2.35+) registers rseq for every thread and exports where the
  // area sits relative to the thread pointer; the kernel keeps cpu_id
  // current on every return to user space.
  if (__rseq_size >= 8) {
    const auto* area = reinterpret_cast<const volatile struct rseq*>(
        static_cast<const char*>(__builtin_thread_pointer()) + __rseq_offset);
    const auto cpu = static_cast<int32_t>(area->cpu_id);
    if (cpu >= 0) return cpu;
  }
  return sched_getcpu();
}

KTSTR_WORKER_PATH Telemetry::Telemetry(std::atomic<uint64_t>* iter_slot, uint64_t seed)
    : iter_slot_(iter_slot),
      wake_(wake_inline_.data(), kInlineSamples, seed * 2 + 1),
      cost_(cost_inline_.data(), kInlineSamples, seed * 2 + 3),
      wakeup_(wakeup_inline_.data(), kInlineSamples, seed * 2 + 5) {}

Telemetry::~Telemetry() {
  if (buffers_ != nullptr) munmap(buffers_, kBufferBytes);
  if (schedstat_fd_ >= 0) raw_close(schedstat_fd_);
}

// Out of the worker path on purpose: runs at most once per worker, and
// only in workers that record more than the inline arrays hold.
void Telemetry::grow() {
  if (grown_) return;
  grown_ = true;
  buffers_ = map_buffers();
  if (buffers_ == nullptr) {
    // The inline arrays stay: the reservoirs keep a uniform sample of
    // kInlineSamples values and the migration list stops there.
    warn(
        fmt::format("telemetry buffers could not be mapped: samples capped at {}", kInlineSamples));
    return;
  }
  auto* big = static_cast<Migration*>(buffers_);
  for (size_t i = 0; i < migrations_kept_; ++i) big[i] = migrations_[i];
  migrations_ = big;
  migrations_cap_ = kMaxMigrationsKept;
  wake_.relocate(reservoir_storage(buffers_, 0), kReservoirCap);
  cost_.relocate(reservoir_storage(buffers_, 1), kReservoirCap);
  wakeup_.relocate(reservoir_storage(buffers_, 2), kReservoirCap);
}

KTSTR_WORKER_PATH void Telemetry::record_wakeup(uint64_t latency_ns, int waker_cpu, int wakee_cpu) {
  const Placement p = placement_map().classify(waker_cpu, wakee_cpu);
  ++placement_totals_[static_cast<size_t>(p)];
  if (wakeup_.filling_full()) grow();
  wakeup_.add(pack_wakeup(latency_ns, waker_cpu, wakee_cpu, p));
}

KTSTR_WORKER_PATH void Telemetry::prepare() {
  // Opened once and re-read at begin and finish: a procfs path walk per read
  // is a visible part of a short-lived worker's cost.
  if (schedstat_fd_ < 0) schedstat_fd_ = sys::open_thread_schedstat(sys::gettid());
}

KTSTR_WORKER_PATH void Telemetry::begin() {
  prepare();
  auto s = schedstat_fd_ >= 0 ? sys::read_schedstat_fd(schedstat_fd_) : std::nullopt;
  if (s) {
    sched_cpu0_ = s->cpu_time_ns;
    sched_delay0_ = s->run_delay_ns;
    sched_count0_ = s->run_count;
  } else if (schedstat_fd_ >= 0) {
    raw_close(schedstat_fd_);
    schedstat_fd_ = -1;
  }
  if (numa_telemetry_enabled()) {
    vmstat_migrated0_ = sys::read_vmstat_counter("numa_pages_migrated").value_or(0);
  }
  start_ns_ = mono_ns();
  start_cpu_ns_ = thread_cpu_ns();
  last_checkpoint_ns_ = start_ns_;
  cpu_ = current_cpu();
  if (cpu_ >= 0 && cpu_ < CPU_SETSIZE) CPU_SET(cpu_, &cpus_used_);
}

KTSTR_WORKER_PATH void Telemetry::checkpoint() {
  next_checkpoint_ = units_ - units_ % kCheckpointUnits + kCheckpointUnits;
  const uint64_t now = mono_ns();
  const int cpu = current_cpu();
  if (cpu != cpu_ && cpu >= 0) {
    ++migration_count_;
    if (migrations_kept_ == migrations_cap_) grow();
    if (migrations_kept_ < migrations_cap_) {
      migrations_[migrations_kept_++] = {now - start_ns_, cpu_, cpu};
    }
    if (cpu < CPU_SETSIZE) CPU_SET(cpu, &cpus_used_);
    cpu_ = cpu;
  }
  const uint64_t gap = now - last_checkpoint_ns_;
  if (gap > max_gap_ns_) {
    max_gap_ns_ = gap;
    max_gap_cpu_ = cpu;
    max_gap_at_ns_ = now - start_ns_;
  }
  if (gap > gap_floor_ns_) keep_gap(gap, now - start_ns_, cpu);
  last_checkpoint_ns_ = now;
}

KTSTR_WORKER_PATH void Telemetry::keep_gap(uint64_t gap_ns, uint64_t at_ns, int cpu) {
  // Eight slots: a linear scan beats a heap and needs no library code.
  if (gaps_kept_ < gaps_.size()) {
    gaps_[gaps_kept_++] = {at_ns, gap_ns, cpu};
  } else {
    size_t shortest = 0;
    for (size_t i = 1; i < gaps_.size(); ++i) {
      if (gaps_[i].duration_ns < gaps_[shortest].duration_ns) shortest = i;
    }
    gaps_[shortest] = {at_ns, gap_ns, cpu};
  }
  if (gaps_kept_ == gaps_.size()) {
    gap_floor_ns_ = gaps_[0].duration_ns;
    for (const Gap& g : gaps_) gap_floor_ns_ = std::min(gap_floor_ns_, g.duration_ns);
  }
}

KTSTR_WORKER_PATH ReportArrays Telemetry::finish(WorkerReport& r) {
  const uint64_t end = mono_ns();
  r.cpu_time_ns = thread_cpu_ns() - start_cpu_ns_;
  r.wall_time_ns = end - start_ns_;
  r.off_cpu_ns = r.wall_time_ns > r.cpu_time_ns ? r.wall_time_ns - r.cpu_time_ns : 0;
  r.work_units = units_;
  r.iterations = iterations_;
  r.migration_count = migration_count_;
  r.max_gap_ms = static_cast<double>(max_gap_ns_) / 1e6;
  r.max_gap_cpu = max_gap_cpu_;
  r.max_gap_at_ms = static_cast<double>(max_gap_at_ns_) / 1e6;
  // Longest first (insertion sort: at most eight entries).
  for (size_t i = 1; i < gaps_kept_; ++i) {
    for (size_t k = i; k > 0 && gaps_[k].duration_ns > gaps_[k - 1].duration_ns; --k) {
      std::swap(gaps_[k], gaps_[k - 1]);
    }
  }
  r.start_mono_ns = start_ns_;
  r.wake_sample_total = wake_.total();
  r.iteration_cost_sample_total = cost_.total();
  r.wakeup_sample_total = wakeup_.total();

  r.is_messenger = messenger_;
  r.extra = std::move(extra_);
  for (auto& w : warnings_) r.warnings.push_back(std::move(w));
  warnings_.clear();
  if (schedstat_fd_ >= 0) {
    if (auto s = sys::read_schedstat_fd(schedstat_fd_)) {
      r.schedstat_available = true;
      r.schedstat_cpu_time_ns = s->cpu_time_ns - sched_cpu0_;
      r.schedstat_run_delay_ns = s->run_delay_ns - sched_delay0_;
      r.schedstat_run_count = s->run_count - sched_count0_;
    }
    raw_close(schedstat_fd_);
    schedstat_fd_ = -1;
  }
  if (numa_telemetry_enabled()) {
    r.numa_pages = sys::read_self_numa_pages();
    const uint64_t migrated = sys::read_vmstat_counter("numa_pages_migrated").value_or(0);
    r.vmstat_numa_pages_migrated = migrated > vmstat_migrated0_ ? migrated - vmstat_migrated0_ : 0;
  }
  r.completed = true;
  return ReportArrays{
      wake_.samples(),
      cost_.samples(),
      std::span<const Migration>(migrations_, migrations_kept_),
      std::span<const Gap>(gaps_.data(), gaps_kept_),
      &cpus_used_,
      wakeup_.samples(),
      std::span<const uint64_t>(placement_totals_.data(), wakeup_.total() > 0 ? kPlacements : 0)};
}

}  // namespace ktstr::workload
