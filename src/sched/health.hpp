// Watching a sched_ext scheduler while a test runs (vm.md "The scheduler
// under test"): the process stays alive, /sys/kernel/sched_ext/state stays
// "enabled", enable_seq does not change (a silent restart), and the kernel
// log has no `sched_ext: BPF scheduler "X" disabled (REASON)` line. On
// failure the verdict names the reason and carries the evidence: the
// stalled-task line, the scheduler's `EXIT: ...` line, the last log lines
// and the DEBUG DUMP it printed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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

// How a sched_ext scheduler ended (docs/results.md "Scheduler exit kinds").
// kNone: still attached when last seen (or EEVDF). kUnregistered: it
// detached cleanly (the kernel's "unregistered ..." reason, exit status 0).
// kError: sched_ext disabled it for an error (scx_bpf_error, a runtime
// error); error_text is the scheduler's message. kStall: the watchdog
// found a runnable task not run in time. kCrashed: the process died by a
// signal we did not send. kKilled: we stopped it (SIGINT/SIGKILL at the end
// of the run) and it died of that signal. kExited: a clean exit with a
// non-zero status and no kernel error (a user-space failure, not a crash).
enum class ExitKind { kNone, kUnregistered, kError, kStall, kCrashed, kKilled, kExited };
std::string_view to_string(ExitKind k);  // "none", "unregistered", "error", "stall", ...
std::optional<ExitKind> parse_exit_kind(std::string_view text);

// The one scheduler-health record. Its summary fields (name .. log_excerpt)
// are what the scheduler_alive / scheduler_clean_exit checks read and what a
// ScenarioResult carries as "scheduler" (docs/results.md); on the host with
// no sched_ext scheduler started by ktstr it is host_default(): EEVDF, always
// alive. The watch fields below are filled by HealthWatch in the VM guest and
// sent on the result channel (to_watch_json).
struct SchedulerHealth {
  std::string name = "eevdf";  // "eevdf" or the sched_ext scheduler's (binary) name
  bool sched_ext = false;
  bool alive = true;        // its process is running (EEVDF: always)
  bool attached = true;     // sched_ext ops still enabled
  bool error_exit = false;  // sched_ext exited with an error
  bool stalled = false;     // the kernel reported a runnable-task stall
  // Empty while healthy; otherwise the verdict reason (the kernel's exit
  // message when there is one).
  std::string exit_reason;
  std::string log_excerpt;               // tail of the scheduler log / sched_ext dump
  ExitKind exit_kind = ExitKind::kNone;  // classify_exit()
  // kError: the scheduler's error message (the kernel's "sched_ext: OPS: MSG"
  // line, or the message of its "EXIT: REASON (MSG)" line); kStall: the stall
  // line; kCrashed/kKilled: the signal; kExited: the status.
  std::string exit_detail;

  // Watch detail (HealthWatch).
  std::string ops;    // root/ops at attach
  std::string state;  // last sched_ext state seen
  int64_t enable_seq_at_attach = -1;
  int64_t enable_seq = -1;
  // Where `exit_reason` came from. The kernel's own reason (disable line, or
  // the scheduler's EXIT line) replaces the symptoms we may notice first
  // (state "disabling", process gone).
  bool reason_from_kernel = false;
  // Set when we stop the scheduler ourselves: its "unregistered" disable
  // line and exit are expected from then on.
  bool stopping = false;
  // A scenario's lifecycle op took the scheduler over (sched/lifecycle.hpp):
  // its exit is expected and the engine watches what follows.
  bool handed_over = false;
  std::string disable_line, stall_line, exit_line;
  int exit_status = -1;                   // -1 while running
  std::vector<std::string> kernel_lines;  // sched_ext lines from the kernel log
  std::vector<std::string> log_tail;
  std::vector<std::string> dump;

  bool healthy() const { return exit_reason.empty(); }
  static SchedulerHealth host_default() { return {}; }
};

// Called between steps and at the end; must be cheap and must not block.
using HealthProbe = std::function<SchedulerHealth()>;

// The ScenarioResult form: name, sched_ext, alive, attached, error_exit,
// stalled, exit_reason, log_excerpt (docs/results.md); missing keys keep
// their defaults.
void to_json(nlohmann::json& j, const SchedulerHealth& h);
void from_json(const nlohmann::json& j, SchedulerHealth& h);
// The guest's result-channel form: every watch field, plus "healthy" and
// the reason under both "failure" and "exit_reason".
nlohmann::json to_watch_json(const SchedulerHealth& h);

// Applies one kernel log message; sets exit_reason/disable/stall fields.
void apply_kmsg_line(SchedulerHealth& h, const std::string& message);
// Applies one sysfs observation taken after attach.
void apply_state(SchedulerHealth& h, const SchedExtState& st);
// Sets exit_kind, exit_detail, error_exit and stalled from what `h` holds:
// the kernel's disable line and the message after it, the stall line, the
// scheduler's EXIT line, its exit status and whether we were stopping it.
void classify_exit(SchedulerHealth& h);

class HealthWatch {
 public:
  HealthWatch(std::string sysfs_root, const std::string& kmsg_path);

  // Polls until the scheduler is attached, dies, or `timeout_ms` passes.
  // Sets health().exit_reason on any of the latter two.
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
  SchedulerHealth health_;  // starts detached, not alive, unnamed
};

}  // namespace ktstr::sched
