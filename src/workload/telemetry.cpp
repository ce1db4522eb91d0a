#include "workload/telemetry.hpp"

#include <algorithm>

#include "sys/procfs.hpp"
#include "sys/sched.hpp"
#include "util/cpu_list.hpp"
#include "util/file_io.hpp"
#include "util/worker_path.hpp"

namespace ktstr::workload {

bool numa_telemetry_enabled() {
  static const bool enabled = [] {
    auto online = read_file("/sys/devices/system/node/online");
    if (!online) return false;
    auto nodes = parse_cpu_list(*online);
    return nodes && nodes->size() > 1;
  }();
  return enabled;
}

KTSTR_WORKER_PATH void Telemetry::prepare() {
  // Opened once and re-read at begin and finish: a procfs path walk per read
  // is a visible part of a short-lived worker's cost.
  if (!schedstat_fd_) schedstat_fd_.reset(sys::open_thread_schedstat(sys::gettid()));
}

KTSTR_WORKER_PATH void Telemetry::begin() {
  prepare();
  auto s = schedstat_fd_ ? sys::read_schedstat_fd(schedstat_fd_.get()) : std::nullopt;
  if (s) {
    sched_cpu0_ = s->cpu_time_ns;
    sched_delay0_ = s->run_delay_ns;
    sched_count0_ = s->run_count;
  } else {
    schedstat_fd_.reset();
  }
  if (numa_telemetry_enabled()) {
    vmstat_migrated0_ = sys::read_vmstat_counter("numa_pages_migrated").value_or(0);
  }
  start_ns_ = mono_ns();
  start_cpu_ns_ = thread_cpu_ns();
  last_checkpoint_ns_ = start_ns_;
  cpu_ = sched_getcpu();
  if (cpu_ >= 0 && cpu_ < CPU_SETSIZE) CPU_SET(cpu_, &cpus_used_);
}

KTSTR_WORKER_PATH void Telemetry::checkpoint() {
  next_checkpoint_ = units_ - units_ % kCheckpointUnits + kCheckpointUnits;
  const uint64_t now = mono_ns();
  const int cpu = sched_getcpu();
  if (cpu != cpu_ && cpu >= 0) {
    ++migration_count_;
    if (migrations_.size() < kMaxMigrationsKept) {
      migrations_.push_back({now - start_ns_, cpu_, cpu});
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
  auto longer = [](const Gap& a, const Gap& b) { return a.duration_ns > b.duration_ns; };
  gaps_.push_back({at_ns, gap_ns, cpu});
  std::push_heap(gaps_.begin(), gaps_.end(), longer);
  if (gaps_.size() > kLargestGapsKept) {
    std::pop_heap(gaps_.begin(), gaps_.end(), longer);
    gaps_.pop_back();
  }
  if (gaps_.size() == kLargestGapsKept) gap_floor_ns_ = gaps_.front().duration_ns;
}

KTSTR_WORKER_PATH void Telemetry::finish(WorkerReport& r) {
  const uint64_t end = mono_ns();
  r.cpu_time_ns = thread_cpu_ns() - start_cpu_ns_;
  r.wall_time_ns = end - start_ns_;
  r.off_cpu_ns = r.wall_time_ns > r.cpu_time_ns ? r.wall_time_ns - r.cpu_time_ns : 0;
  r.work_units = units_;
  r.iterations = iterations_;
  r.migration_count = migration_count_;
  r.migrations = std::move(migrations_);
  r.cpus_used.clear();
  for (int c = 0, left = CPU_COUNT(&cpus_used_); left > 0 && c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &cpus_used_)) {
      r.cpus_used.insert(c);
      --left;
    }
  }
  r.max_gap_ms = static_cast<double>(max_gap_ns_) / 1e6;
  r.max_gap_cpu = max_gap_cpu_;
  r.max_gap_at_ms = static_cast<double>(max_gap_at_ns_) / 1e6;
  std::sort(gaps_.begin(), gaps_.end(),
            [](const Gap& a, const Gap& b) { return a.duration_ns > b.duration_ns; });
  r.largest_gaps = std::move(gaps_);
  r.start_mono_ns = start_ns_;
  r.wake_sample_total = wake_.total();
  r.wake_latencies_ns = wake_.take();
  r.iteration_cost_sample_total = cost_.total();
  r.iteration_costs_ns = cost_.take();
  r.is_messenger = messenger_;
  r.extra = std::move(extra_);
  for (auto& w : warnings_) r.warnings.push_back(std::move(w));
  if (schedstat_fd_) {
    if (auto s = sys::read_schedstat_fd(schedstat_fd_.get())) {
      r.schedstat_available = true;
      r.schedstat_cpu_time_ns = s->cpu_time_ns - sched_cpu0_;
      r.schedstat_run_delay_ns = s->run_delay_ns - sched_delay0_;
      r.schedstat_run_count = s->run_count - sched_count0_;
    }
    schedstat_fd_.reset();
  }
  if (numa_telemetry_enabled()) {
    r.numa_pages = sys::read_self_numa_pages();
    const uint64_t migrated = sys::read_vmstat_counter("numa_pages_migrated").value_or(0);
    r.vmstat_numa_pages_migrated = migrated > vmstat_migrated0_ ? migrated - vmstat_migrated0_ : 0;
  }
  r.completed = true;
}

}  // namespace ktstr::workload
