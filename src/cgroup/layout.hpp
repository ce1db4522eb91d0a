// Which cgroup filesystem layout this system has, and which backend to use.
//
// Supported layouts:
//  - pure cgroup v2 (a VM, modern distros) with the cpuset and cpu
//    controllers available at the root -> version 2;
//  - hybrid or pure v1 (v1 hierarchies for cpuset and cpu, possibly a
//    cgroup2 mount without those controllers) -> version 1.
// Anything else is an environment error that names the missing controller.
//
// Detection is a pure function of /proc/self/mountinfo and the cgroup2
// root's cgroup.controllers, so it is unit-tested from fixture text; the
// *_live wrappers read the real files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace ktstr::cgroup {

enum class Controller { kCpuset, kCpu, kMemory, kPids, kFreezer };

// The kernel's name: "cpuset", "cpu", "memory", "pids", "freezer".
std::string_view controller_name(Controller c);

// What the chosen backend can do; scenarios turn a missing capability into
// a skip. cpuset and cpu are always true for a layout that was accepted.
struct Capabilities {
  bool cpuset = false;
  bool cpu = false;
  bool memory = false;
  bool pids = false;
  bool freezer = false;
  int version = 0;  // 1 or 2; 0 = no usable layout

  bool has(Controller c) const;
};

// Every cgroup mount found in mountinfo.
struct CgroupMounts {
  std::optional<std::string> v2;         // first cgroup2 mount point
  std::map<Controller, std::string> v1;  // controller -> first v1 hierarchy with it
  std::vector<std::string> all;          // every cgroup/cgroup2 mount point, in order
};

// The backend to use. `roots` maps each usable controller to the directory
// under which run trees are created: on v2 every entry is the same cgroup2
// root; on v1 each controller's hierarchy (co-mounted controllers share a
// path). Tests may point roots at any directory (e.g. a cgroup inside a
// sandbox run tree).
struct CgroupLayout {
  int version = 0;  // 1 or 2
  std::map<Controller, std::string> roots;

  Capabilities capabilities() const;
};

// Parses mountinfo text (see proc(5)); octal escapes in paths are decoded.
// Lines that are not cgroup mounts are ignored; malformed cgroup lines are an
// error naming the line.
Result<CgroupMounts> parse_cgroup_mounts(std::string_view mountinfo);

// Chooses the backend from parsed mounts and the text of the cgroup2 root's
// cgroup.controllers ("" when there is no cgroup2 mount). v2 wins when it has
// cpuset and cpu; otherwise v1 when hierarchies for both exist; otherwise a
// kEnvironment error that says which controller is missing where, and how to
// fix it.
Result<CgroupLayout> choose_cgroup_layout(const CgroupMounts& mounts,
                                          std::string_view v2_controllers);

// parse_cgroup_mounts + choose_cgroup_layout.
Result<CgroupLayout> detect_cgroup_layout(std::string_view mountinfo,
                                          std::string_view v2_controllers);

// Reads <procfs>/self/mountinfo and the cgroup2 root's cgroup.controllers.
Result<CgroupLayout> detect_cgroup_layout_live(const std::string& procfs = "/proc");

// Every cgroup mount point of this system (for `ktstr cleanup`).
Result<std::vector<std::string>> live_cgroup_roots(const std::string& procfs = "/proc");

}  // namespace ktstr::cgroup
