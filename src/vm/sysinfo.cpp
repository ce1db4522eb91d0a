#include "vm/sysinfo.hpp"

#include <sys/utsname.h>

#include <fmt/format.h>

namespace ktstr::vm {

Result<SysInfo> read_sysinfo(const std::string& sysfs_root) {
  auto topo = read_seen_topology(sysfs_root);
  if (!topo) return unexpected(topo.error());
  SysInfo s;
  s.topology = std::move(*topo);
  s.sched_ext = sched::read_sched_ext_state(sysfs_root);
  utsname u{};
  if (::uname(&u) == 0) s.kernel_release = u.release;
  return s;
}

nlohmann::json to_json(const SysInfo& s) {
  const auto& scx = s.sched_ext;
  return {{"kernel_release", s.kernel_release},
          {"topology", to_json(s.topology)},
          {"sched_ext",
           {{"supported", scx.supported},
            {"state", scx.state},
            {"ops", scx.ops},
            {"enable_seq", scx.enable_seq}}}};
}

std::string render_sysinfo_text(const SysInfo& s) {
  const auto* topo = &s.topology;
  const auto& scx = s.sched_ext;
  std::string out = fmt::format("kernel {}\n", s.kernel_release);
  out += fmt::format("cpus {} ({}), nodes {}, LLCs {}, cores/LLC {}, threads/core {}{}\n",
                     topo->cpus, topo->online, topo->nodes, topo->llcs, topo->cores_per_llc,
                     topo->threads_per_core, topo->uniform ? "" : " (not uniform)");
  for (size_t i = 0; i < topo->llc_cpus.size(); ++i) {
    out += fmt::format("  LLC {}: cpus {}\n", i, topo->llc_cpus[i]);
  }
  for (size_t i = 0; i < topo->node_cpus.size(); ++i) {
    out += fmt::format("  node {}: cpus {}\n", i, topo->node_cpus[i]);
  }
  if (!scx.supported) {
    out += "sched_ext: not in this kernel\n";
  } else {
    out += fmt::format("sched_ext: {}{}\n", scx.state,
                       scx.ops.empty() ? "" : " (ops " + scx.ops + ")");
  }
  return out;
}

}  // namespace ktstr::vm
