// Scheduler lifecycle while a test runs (scenarios.md "Op"): detach, attach,
// restart and replace the sched_ext scheduler under test, each confirmed by
// the kernel (sysfs `state`, `root/ops`, `enable_seq`) within a timeout.
//
// In a VM the guest init (PID 1) starts the scheduler and watches it; the
// scenario engine runs in its child. The first lifecycle op writes
// kHandoverPath before it touches that scheduler: from then on PID 1's
// HealthWatch expects its exit (a clean unregister, not a failure) and the
// engine owns the scheduler. Every confirmed op also updates the process's
// expected sched_ext state (lifecycle_expected), which SchedExtWatch checks
// against instead of the state at its start.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sched/sched_ext_sysfs.hpp"
#include "sched/scheduler.hpp"
#include "util/result.hpp"

namespace ktstr::sched {

inline constexpr const char* kHandoverPath = "/tmp/ktstr-scheduler-handover";
// Set by the guest init for its command: the scheduler it started.
inline constexpr const char* kEnvSchedulerPath = "KTSTR_SCHEDULER_PATH";
inline constexpr const char* kEnvSchedulerArgs = "KTSTR_SCHEDULER_ARGS";  // JSON array
inline constexpr const char* kEnvSchedulerPid = "KTSTR_SCHEDULER_PID";

// One lifecycle op as it happened. Times are filled by the caller relative
// to its own origin (the scenario start); took_ms is from the op's start to
// the kernel's confirmation (or the timeout).
struct LifecycleRecord {
  std::string op;         // "detach_scheduler", ... "restore_scheduler"
  std::string scheduler;  // the binary and arguments attached after it ("" after a detach)
  double at_ms = 0;
  double took_ms = 0;
  bool confirmed = false;
  std::string state_before, state_after;
  std::string ops_before, ops_after;
  int64_t enable_seq_before = -1, enable_seq_after = -1;
  // Unconfirmed: what was seen instead (last state, process status, log tail).
  std::string evidence;
  // "detach_scheduler: simple -> (none), state enabled -> disabled, enable_seq 3, 120 ms".
  std::string describe() const;
};

void to_json(nlohmann::json& j, const LifecycleRecord& r);
void from_json(const nlohmann::json& j, LifecycleRecord& r);

struct SchedulerBinary {
  std::string path;
  std::vector<std::string> args;
  std::string describe() const;  // "scx_qmap -t 4"
};

// Polls sysfs every 20 ms until `done(state)` holds, `give_up()` returns a
// reason, or `timeout_ns` passes. Returns the last state seen; `why` gets the
// give-up reason or "timed out after N ms".
bool wait_for_sched_ext(const std::string& sysfs_root,
                        const std::function<bool(const SchedExtState&)>& done, uint64_t timeout_ns,
                        const std::function<std::string()>& give_up, SchedExtState& last,
                        std::string& why);

// The sched_ext state the last confirmed lifecycle op of this process left;
// nullopt when none ran.
std::optional<SchedExtState> lifecycle_expected();
void set_lifecycle_expected(const SchedExtState& st);
void clear_lifecycle_expected();  // tests

// Owns the scheduler under test for lifecycle ops. Not thread-safe.
class SchedulerControl {
 public:
  // The scheduler the guest init started (kEnvScheduler*); kEnvironment when
  // there is none.
  static Result<SchedulerControl> from_environment(std::string sysfs_root = "/sys");
  SchedulerControl(SchedulerBinary base, pid_t external_pid, std::string sysfs_root,
                   std::string log_dir);

  // Each returns the record; !confirmed means the op failed (evidence set).
  LifecycleRecord detach(uint64_t timeout_ns);
  LifecycleRecord attach(uint64_t timeout_ns);
  LifecycleRecord restart(uint64_t timeout_ns);
  LifecycleRecord replace(SchedulerBinary next, uint64_t timeout_ns);
  // Back to the base binary, attached; nullopt when it already is.
  std::optional<LifecycleRecord> restore(uint64_t timeout_ns);

  // `text`: "" = the current binary, a name = a file next to the base
  // binary (a fixture), else a path.
  Result<std::string> resolve_binary(const std::string& text) const;
  bool attached() const { return attached_; }
  const SchedulerBinary& current() const { return current_; }

 private:
  bool stop_current(uint64_t timeout_ns, LifecycleRecord& rec);
  bool start(const SchedulerBinary& b, int64_t seq_before, uint64_t timeout_ns,
             LifecycleRecord& rec);
  LifecycleRecord begin(const char* op) const;
  void end(LifecycleRecord& rec, uint64_t start_ns);
  std::string log_tail() const;

  SchedulerBinary base_, current_;
  pid_t external_pid_ = 0;  // the guest init's scheduler until the first op stops it
  std::optional<SchedulerProcess> own_;
  std::string sysfs_root_, log_dir_, log_path_;
  bool attached_ = true;
  int starts_ = 0;
};

}  // namespace ktstr::sched
