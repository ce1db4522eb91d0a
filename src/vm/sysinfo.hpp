// `ktstr vm sysinfo`: what a (guest) kernel reports about itself — release,
// CPU topology and sched_ext state — read, rendered as text and as JSON.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sched/sched_ext_sysfs.hpp"
#include "util/result.hpp"
#include "vm/guest_topology.hpp"

namespace ktstr::vm {

struct SysInfo {
  std::string kernel_release;  // uname -r
  SeenTopology topology;
  sched::SchedExtState sched_ext;
};

// From uname and <sysfs_root>; errors when the topology is unreadable.
Result<SysInfo> read_sysinfo(const std::string& sysfs_root = "/sys");

std::string render_sysinfo_text(const SysInfo& s);
nlohmann::json to_json(const SysInfo& s);

}  // namespace ktstr::vm
