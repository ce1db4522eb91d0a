// Guest init: running the requested command while watching the scheduler.
// Internal to src/vm.
#pragma once

#include <string>
#include <vector>

#include "sched/health.hpp"
#include "vm/run_request.hpp"

namespace ktstr::vm::guest {

struct CommandOutcome {
  bool started = false;
  std::string start_error;
  int exit_code = -1;  // 128+signal when killed
  std::string stdout_text;
  std::vector<std::string> stderr_tail;
  bool timed_out = false;              // command_timeout_ms hit
  bool stopped_for_scheduler = false;  // killed because the scheduler failed
};

// Runs the request's command to completion. `sched`/`watch` are null for
// EEVDF. The command runs in its own process group so it can be stopped
// with everything it spawned.
CommandOutcome run_watched(const RunRequest& req, sched::SchedulerProcess* sched,
                           sched::HealthWatch* watch);

}  // namespace ktstr::vm::guest
