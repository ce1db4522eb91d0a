#include "sched/host_probe.hpp"
#include "sched/lifecycle.hpp"

#include <nlohmann/json.hpp>

#include "util/json_struct.hpp"

#include <sys/utsname.h>

#include <sstream>

#include <fmt/format.h>

#include "cgroup/layout.hpp"
#include "topology/topology.hpp"
#include "util/file_io.hpp"

namespace ktstr::sched {

KTSTR_JSON_STRUCT(HostFacts, hostname, kernel, cpu_model, topology, cpus, scheduler, cgroup_layout)

HostFacts probe_host_facts() {
  HostFacts h;
  utsname u{};
  if (uname(&u) == 0) {
    h.hostname = u.nodename;
    h.kernel = u.release;
  }
  if (auto cpuinfo = read_file("/proc/cpuinfo")) {
    std::istringstream in(*cpuinfo);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("model name", 0) != 0) continue;
      auto colon = line.find(':');
      if (colon != std::string::npos) h.cpu_model = line.substr(colon + 2);
      break;
    }
  }
  if (auto t = topo::Topology::from_sysfs()) {
    h.cpus = t->num_cpus();
    auto spec = t->regular_spec();
    h.topology = spec ? spec->to_string()
                      : fmt::format("{} nodes, {} LLCs, irregular", t->num_nodes(), t->num_llcs());
  }
  // A sched_ext scheduler attached (inside a ktstr VM, or on a host that
  // runs one) replaces EEVDF for every fair task: name it.
  auto scx = read_sched_ext_state();
  h.scheduler = scx.enabled() ? "sched_ext:" + scx.ops : "eevdf";
  auto layout = cgroup::detect_cgroup_layout_live();
  h.cgroup_layout = layout ? (layout->version == 2 ? "v2" : "v1 fallback") : "none usable";
  return h;
}

std::optional<SchedExtWatch> SchedExtWatch::on_attached(const std::string& sysfs_root) {
  auto scx = read_sched_ext_state(sysfs_root);
  if (!scx.enabled()) return std::nullopt;
  return SchedExtWatch(sysfs_root, std::move(scx));
}

std::string SchedExtWatch::lost_reason() const {
  auto now = read_sched_ext_state(sysfs_root_);
  // After a lifecycle op of this process, what it confirmed is the expectation.
  const auto expected = lifecycle_expected().value_or(start_);
  if (!expected.enabled() && !now.enabled()) return {};
  if (now.enabled() && now.ops == expected.ops && now.enable_seq == expected.enable_seq) return {};
  return fmt::format("sched_ext state '{}', ops '{}', enable_seq {} -> {}", now.state, now.ops,
                     expected.enable_seq, now.enable_seq);
}

}  // namespace ktstr::sched
