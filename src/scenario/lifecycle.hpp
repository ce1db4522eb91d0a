// Scenario side of scheduler lifecycle ops (detach/attach/restart/replace_scheduler;
// sched/lifecycle.hpp does the work): the process-wide controller the engine
// uses, and the checks `ktstr run` makes before anything starts.
#pragma once

#include <string>
#include <vector>

#include "scenario/model.hpp"
#include "sched/lifecycle.hpp"
#include "util/result.hpp"

namespace ktstr::scenario {

// The controller of the scheduler under test, created on first use from the
// guest init's environment and kept for the life of the process (a
// scheduler it attached must outlive the scenario that attached it).
Result<sched::SchedulerControl*> scheduler_control();

// Why the selected scenarios' lifecycle ops cannot run on this machine
// (kEnvironment, exit 3: "sched_ext not available: run with --vm"), or
// success when none has any or they can.
Status check_lifecycle_environment(const std::vector<Scenario>& selected,
                                   const std::string& sysfs_root = "/sys");
// The same reason for one scenario ("" when it can run here); for --dry-run.
std::string lifecycle_unavailable(const Scenario& s, const std::string& sysfs_root = "/sys");

// The binaries replace_scheduler ops name (fixture names or paths), sorted
// and unique: a VM run copies them into the guest.
std::vector<std::string> replacement_schedulers(const std::vector<Scenario>& selected);

}  // namespace ktstr::scenario
