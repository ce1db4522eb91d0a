// Per-worker telemetry (workload.md "Telemetry rules").
//
// Hot-path calls (add_units, iteration) are inline and syscall-free except
// for the checkpoint every kCheckpointUnits work units, which reads the CPU
// (rseq) and the monotonic clock (vDSO).
#pragma once

#include <sched.h>

#include <array>
#include <atomic>
#include <cstdint>

#include "util/clock.hpp"
#include "workload/report.hpp"
#include "workload/reservoir.hpp"

namespace ktstr::workload {

inline constexpr uint64_t kCheckpointUnits = 1024;
inline constexpr size_t kMaxMigrationsKept = 10000;

// NUMA telemetry (numa_maps walk, vmstat migration counter) costs ~200 us per
// worker and can only say "everything is on node 0" on a single-node machine,
// so it is collected only when more than one node is online. Cached; prime it
// in the parent before forking.
bool numa_telemetry_enabled();

// The worker's CPU right now: the kernel's rseq cpu_id field when glibc
// registered rseq (a load, no call), else sched_getcpu(). -1 if unknown.
int current_cpu();

class Telemetry {
 public:
  // `iter_slot` is this worker's shared iteration counter (may be null).
  // No heap: a forked worker's telemetry never calls malloc (which would
  // fault in the allocator's code and data). The first samples and
  // migrations go to small arrays inside this object; past those, one
  // anonymous mapping holds the full-size arrays (address space only:
  // pages are touched as samples arrive). A short-lived worker so never
  // pays for a mapping.
  explicit Telemetry(std::atomic<uint64_t>* iter_slot = nullptr, uint64_t seed = 1);
  ~Telemetry();
  Telemetry(const Telemetry&) = delete;
  Telemetry& operator=(const Telemetry&) = delete;

  // Optional, before the start gate: acquires what begin() needs (the
  // schedstat fd) so the measured run starts without that cost.
  void prepare();
  // Called at the start handshake: the run's clocks begin here.
  void begin();

  void add_units(uint64_t n) {
    units_ += n;
    if (units_ >= next_checkpoint_) checkpoint();
  }
  // Writes the shared iteration counter's current value back: maps its page
  // before the run (see run_worker).
  void iteration_slot_touch() {
    if (iter_slot_ != nullptr) iter_slot_->store(iterations_, std::memory_order_relaxed);
  }
  void iteration() {
    ++iterations_;
    if (iter_slot_ != nullptr) iter_slot_->store(iterations_, std::memory_order_relaxed);
  }
  void wake_sample(uint64_t ns) {
    if (wake_.filling_full()) grow();
    wake_.add(ns);
  }
  // The wakee's side of a waker-stamped wakeup (wakeup.hpp): call right
  // after the wait returned, with what the waker published before waking.
  void wakeup_sample(uint64_t waker_ns, int waker_cpu) {
    const uint64_t now = mono_ns();
    record_wakeup(now > waker_ns ? now - waker_ns : 0, waker_cpu, current_cpu());
  }
  void record_wakeup(uint64_t latency_ns, int waker_cpu, int wakee_cpu);
  void cost_sample(uint64_t ns) {
    if (cost_.filling_full()) grow();
    cost_.add(ns);
  }
  // After a deliberate block (sleep, wait): the time blocked is not a
  // scheduling gap, so restart the gap clock.
  void after_block() { last_checkpoint_ns_ = mono_ns(); }
  void set_messenger() { messenger_ = true; }
  void set_extra(const std::string& key, double v) { extra_[key] = v; }
  // A setting or capability the work type had to do without; lands in
  // WorkerReport::warnings. Call once per condition, not per iteration.
  void warn(std::string what) { warnings_.push_back(std::move(what)); }
  uint64_t units() const { return units_; }
  uint64_t iterations() const { return iterations_; }
  uint64_t start_ns() const { return start_ns_; }

  // Ends the run: fills every measured scalar, map and warning of `r` (tid,
  // group and work-type fields are left to the caller) and returns views of
  // the sample, migration, gap and CPU arrays, valid while this object
  // lives: encode them in place (ReportRef) or copy_arrays() them into `r`.
  ReportArrays finish(WorkerReport& r);

 private:
  void checkpoint();
  void keep_gap(uint64_t gap_ns, uint64_t at_ns, int cpu);
  // Moves every array to the mapping (once; warns if it cannot be made).
  void grow();

  static constexpr size_t kInlineSamples = 64;
  static constexpr size_t kInlineMigrations = 16;

  std::atomic<uint64_t>* iter_slot_;
  uint64_t units_ = 0;
  uint64_t iterations_ = 0;
  uint64_t next_checkpoint_ = kCheckpointUnits;
  uint64_t start_ns_ = 0;
  uint64_t start_cpu_ns_ = 0;
  uint64_t last_checkpoint_ns_ = 0;
  int cpu_ = -1;
  bool grown_ = false;       // grow() ran
  void* buffers_ = nullptr;  // the mapping, once made
  uint64_t migration_count_ = 0;
  std::array<Migration, kInlineMigrations> migrations_inline_{};
  Migration* migrations_ = migrations_inline_.data();
  size_t migrations_cap_ = kInlineMigrations;
  size_t migrations_kept_ = 0;
  cpu_set_t cpus_used_{};
  uint64_t max_gap_ns_ = 0;
  int max_gap_cpu_ = -1;
  uint64_t max_gap_at_ns_ = 0;
  std::array<Gap, kLargestGapsKept> gaps_{};  // the longest so far, unordered
  size_t gaps_kept_ = 0;
  uint64_t gap_floor_ns_ = 0;  // shortest kept gap once all slots are used
  std::array<uint64_t, kInlineSamples> wake_inline_{};
  std::array<uint64_t, kInlineSamples> cost_inline_{};
  std::array<uint64_t, kInlineSamples> wakeup_inline_{};
  Reservoir wake_;
  Reservoir cost_;
  Reservoir wakeup_;  // packed (wakeup.hpp)
  std::array<uint64_t, kPlacements> placement_totals_{};
  bool messenger_ = false;
  std::map<std::string, double> extra_;
  std::vector<std::string> warnings_;
  uint64_t sched_cpu0_ = 0, sched_delay0_ = 0, sched_count0_ = 0;
  int schedstat_fd_ = -1;  // open only while the first read succeeded
  uint64_t vmstat_migrated0_ = 0;
};

}  // namespace ktstr::workload
