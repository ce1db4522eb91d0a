// What runs the machine's scheduling: host facts for a run's report header,
// and a watch on a sched_ext scheduler attached before the run started (the
// VM guest case, or a host that runs one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "sched/sched_ext_sysfs.hpp"

namespace ktstr::sched {

// The machine a run was made on: the result document's "host" object.
struct HostFacts {
  std::string hostname;
  std::string kernel;     // uname -r
  std::string cpu_model;  // /proc/cpuinfo "model name"
  std::string topology;   // "1n1l2c1t" or a description when irregular
  int cpus = 0;
  std::string scheduler;      // "eevdf", or "sched_ext:<ops>" when one is attached
  std::string cgroup_layout;  // "v2", "v1 fallback" or "none usable"
};

// Reads uname, /proc/cpuinfo, the sysfs topology, the sched_ext state and
// the cgroup layout of this machine; fields it cannot read stay empty.
HostFacts probe_host_facts();

void to_json(nlohmann::json& j, const HostFacts& h);
void from_json(const nlohmann::json& j, HostFacts& h);

// Follows the sched_ext scheduler attached when it was created: it must
// stay enabled with the same ops and the same enable_seq (a silent restart
// changes enable_seq).
class SchedExtWatch {
 public:
  // The watch on the scheduler attached now; nullopt when none is.
  static std::optional<SchedExtWatch> on_attached(const std::string& sysfs_root = "/sys");

  const std::string& ops() const { return start_.ops; }
  // Empty while the same scheduler is still attached; otherwise what changed.
  std::string lost_reason() const;

 private:
  SchedExtWatch(std::string sysfs_root, SchedExtState start)
      : sysfs_root_(std::move(sysfs_root)), start_(std::move(start)) {}
  std::string sysfs_root_;
  SchedExtState start_;
};

}  // namespace ktstr::sched
