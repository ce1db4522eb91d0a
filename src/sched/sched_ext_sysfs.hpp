// Reading the kernel's sched_ext state from sysfs (root injectable):
//   <root>/kernel/sched_ext/state          enabled | disabled | enabling | disabling
//   <root>/kernel/sched_ext/root/ops       the attached scheduler's ops name
//   <root>/kernel/sched_ext/enable_seq     bumps on every enable (a silent restart)
#pragma once

#include <cstdint>
#include <string>

namespace ktstr::sched {

struct SchedExtState {
  bool supported = false;  // /sys/kernel/sched_ext exists (CONFIG_SCHED_CLASS_EXT)
  std::string state;       // "" when unreadable
  std::string ops;         // "" when no scheduler is attached
  int64_t enable_seq = -1;
  bool enabled() const { return state == "enabled" && !ops.empty(); }
};

SchedExtState read_sched_ext_state(const std::string& sysfs_root = "/sys");

}  // namespace ktstr::sched
