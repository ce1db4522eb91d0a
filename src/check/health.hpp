// What the scheduler-under-test layer reports about the scheduler, fed to
// the scheduler_alive and scheduler_clean_exit checks. On the host (no
// sched_ext scheduler started by ktstr) it is host_default(): EEVDF, always
// alive. The VM/sched layer fills it from the sched_ext state and the kernel
// log.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ktstr::check {

struct SchedulerHealth {
  std::string name = "eevdf";  // "eevdf" or the sched_ext scheduler's name
  bool sched_ext = false;
  bool alive = true;        // its process is running (EEVDF: always)
  bool attached = true;     // sched_ext ops still enabled
  bool error_exit = false;  // sched_ext exited with an error
  bool stalled = false;     // the kernel reported a runnable-task stall
  std::string exit_reason;  // the kernel's exit message, when any
  std::string log_excerpt;  // tail of the scheduler log / sched_ext dump

  static SchedulerHealth host_default() { return {}; }
};

// Called between steps and at the end; must be cheap and must not block.
using HealthProbe = std::function<SchedulerHealth()>;

void to_json(nlohmann::json& j, const SchedulerHealth& h);
void from_json(const nlohmann::json& j, SchedulerHealth& h);

}  // namespace ktstr::check
