// Watching a sched_ext scheduler while a test runs (vm.md "The scheduler
// under test"): the process stays alive, /sys/kernel/sched_ext/state stays
// "enabled", enable_seq does not change (a silent restart), and the kernel
// log has no `sched_ext: BPF scheduler "X" disabled (REASON)` line. On
// failure the verdict names the reason and carries the evidence: the
// stalled-task line, the scheduler's `EXIT: ...` line, the last log lines
// and the DEBUG DUMP it printed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sched/kmsg.hpp"
#include "sched/sched_ext_sysfs.hpp"
#include "sched/scheduler.hpp"

namespace ktstr::sched {

// What a scheduler's own log says about its end.
struct SchedulerLogSummary {
  std::string exit_line;          // "EXIT: runnable task stall (...)", or ""
  std::vector<std::string> dump;  // lines between the DEBUG DUMP rulers
  std::vector<std::string> tail;  // last lines (dump excluded)
};
SchedulerLogSummary summarize_scheduler_log(std::string_view log, size_t tail_lines = 20);

struct SchedulerHealth {
  std::string name;        // "eevdf" or the binary name
  bool sched_ext = false;  // false for EEVDF
  bool attached = false;
  bool alive = false;
  std::string ops;    // root/ops at attach
  std::string state;  // last sched_ext state seen
  int64_t enable_seq_at_attach = -1;
  int64_t enable_seq = -1;
  std::string failure;  // empty while healthy: the verdict reason otherwise
  // Where `failure` came from. The kernel's own reason (disable line, or the
  // scheduler's EXIT line) replaces the symptoms we may notice first
  // (state "disabling", process gone).
  bool failure_from_kernel = false;
  // Set when we stop the scheduler ourselves: its "unregistered" disable
  // line and exit are expected from then on.
  bool stopping = false;
  std::string disable_line, stall_line, exit_line;
  int exit_status = -1;                   // -1 while running
  std::vector<std::string> kernel_lines;  // sched_ext lines from the kernel log
  std::vector<std::string> log_tail;
  std::vector<std::string> dump;
  bool healthy() const { return failure.empty(); }
};

nlohmann::json to_json(const SchedulerHealth& h);

// Applies one kernel log message; sets failure/disable/stall fields.
void apply_kmsg_line(SchedulerHealth& h, const std::string& message);
// Applies one sysfs observation taken after attach.
void apply_state(SchedulerHealth& h, const SchedExtState& st);

class HealthWatch {
 public:
  HealthWatch(std::string sysfs_root, const std::string& kmsg_path);

  // Polls until the scheduler is attached, dies, or `timeout_ms` passes.
  // Sets health().failure on any of the latter two.
  bool wait_attached(SchedulerProcess& proc, uint64_t timeout_ms);
  // One health observation during the run; true while healthy.
  bool poll(SchedulerProcess& proc);
  // Final observation, then stops the scheduler (expected exit from here on).
  void stop(SchedulerProcess& proc);
  // Reads the scheduler log (exit line, dump, tail) into health().
  void finish(const std::string& log_path);

  SchedulerHealth& health() { return health_; }

 private:
  void drain_kmsg();

  std::string sysfs_root_;
  KmsgReader kmsg_;
  SchedulerHealth health_;
};

}  // namespace ktstr::sched
