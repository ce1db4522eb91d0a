#include "scenario/requirements.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "sys/subprocess.hpp"
#include "util/file_io.hpp"
#include "workload/payload_metrics.hpp"

namespace ktstr::scenario {
namespace {

constexpr int kCapSysNice = 23;

bool cap_effective(const std::string& procfs, int cap) {
  auto status = read_file(procfs + "/self/status");
  if (!status) return false;
  std::istringstream in(*status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    const unsigned long long mask = std::strtoull(line.c_str() + 7, nullptr, 16);
    return ((mask >> cap) & 1ULL) != 0;
  }
  return false;
}

void add(std::vector<Requirement>& out, Requirement::Kind k, std::string binary = {}) {
  for (const auto& r : out) {
    if (r.kind == k && r.binary == binary) return;
  }
  Requirement r;
  r.kind = k;
  r.binary = std::move(binary);
  out.push_back(std::move(r));
}

bool realtime(const std::vector<WorkDef>& works) {
  for (const auto& w : works) {
    if (w.spec.sched_policy.is_realtime()) return true;
  }
  return false;
}

void implied_by_cgroup(const CgroupDef& c, std::vector<Requirement>& out) {
  add(out, Requirement::Kind::kCgroups);
  // RT tasks only need RT runtime in a cgroup whose cpu controller limits
  // them; otherwise the cgroup layer keeps them in their current cpu cgroup.
  const bool cpu_limits = c.limits.cpu_weight || c.limits.cpu_max_quota_us;
  if (realtime(c.works) && cpu_limits) add(out, Requirement::Kind::kRtCgroups);
  if (c.cpuset) add(out, Requirement::Kind::kCpuset);
  if (cpu_limits) {
    add(out, Requirement::Kind::kCpuController);
  }
  if (c.limits.memory_max_bytes) add(out, Requirement::Kind::kMemoryController);
  if (c.limits.pids_max) add(out, Requirement::Kind::kPidsController);
}

void implied_by_op(const Op& op, std::vector<Requirement>& out) {
  using K = Op::Kind;
  if (op.def) implied_by_cgroup(*op.def, out);
  switch (op.kind) {
    case K::kSetCpuset:
    case K::kClearCpuset:
    case K::kSwapCpusets:
      add(out, Requirement::Kind::kCpuset);
      break;
    case K::kSetLimits: {
      CgroupDef tmp;
      tmp.limits = op.limits;
      implied_by_cgroup(tmp, out);
      break;
    }
    case K::kFreeze:
    case K::kUnfreeze:
      add(out, Requirement::Kind::kFreezer);
      break;
    case K::kRunPayload:
      if (!op.argv.empty()) add(out, Requirement::Kind::kBinary, op.argv[0]);
      break;
    default:
      break;
  }
}

}  // namespace

HostCapabilities HostCapabilities::probe(const topo::Topology& t,
                                         const std::optional<cgroup::CgroupLayout>& layout,
                                         const std::string& procfs) {
  HostCapabilities c;
  c.root = geteuid() == 0;
  c.cap_sys_nice = cap_effective(procfs, kCapSysNice);
  c.cpus = t.num_cpus();
  c.llcs = t.num_llcs();
  for (const auto& n : t.nodes()) c.nodes_with_cpus += n.cpus.empty() ? 0 : 1;
  c.threads_per_core = t.threads_per_core();
  if (layout) {
    c.cgroup_layout = layout;
    return c;
  }
  auto detected = cgroup::detect_cgroup_layout_live(procfs);
  if (!detected) {
    c.cgroup_problem = detected.error().describe();
    return c;
  }
  const auto& root = detected->roots.at(cgroup::Controller::kCpuset);
  if (access(root.c_str(), W_OK) != 0) {
    c.cgroup_problem =
        fmt::format("cannot create cgroups under {} (run as root: sudo ktstr run)", root);
    return c;
  }
  c.cgroup_layout = *detected;
  if (detected->version == 1) {
    auto cpu = detected->roots.find(cgroup::Controller::kCpu);
    c.rt_in_cgroups = cpu == detected->roots.end() ||
                      access((cpu->second + "/cpu.rt_runtime_us").c_str(), F_OK) != 0;
  }
  return c;
}

std::vector<Requirement> implied_requirements(const Scenario& s) {
  std::vector<Requirement> out;
  for (const auto& c : s.cgroups) implied_by_cgroup(c, out);
  for (const auto& st : s.steps) {
    for (const auto& c : st.cgroups) implied_by_cgroup(c, out);
    for (const auto& op : st.ops) implied_by_op(op, out);
  }
  return out;
}

std::optional<std::string> missing_requirement(const Requirement& r, const HostCapabilities& c) {
  using K = Requirement::Kind;
  const auto caps = c.cgroup_layout ? c.cgroup_layout->capabilities() : cgroup::Capabilities{};
  auto controller = [&](bool have, const char* name) -> std::optional<std::string> {
    if (!c.cgroup_layout) return "needs cgroups: " + c.cgroup_problem;
    if (have) return std::nullopt;
    return fmt::format("needs the cgroup {} controller, which this host's cgroup layout lacks",
                       name);
  };
  switch (r.kind) {
    case K::kRoot:
      if (c.root) return std::nullopt;
      return "needs root (run with sudo)";
    case K::kCgroups:
      return controller(true, "");
    case K::kCpuset:
      return controller(caps.cpuset, "cpuset");
    case K::kCpuController:
      return controller(caps.cpu, "cpu");
    case K::kMemoryController:
      return controller(caps.memory, "memory");
    case K::kPidsController:
      return controller(caps.pids, "pids");
    case K::kFreezer:
      return controller(caps.freezer, "freezer");
    case K::kCgroupV2:
      if (c.cgroup_layout && c.cgroup_layout->version == 2) return std::nullopt;
      return "needs cgroup v2 with the cpuset and cpu controllers; this host uses " +
             (c.cgroup_layout ? std::string("the cgroup v1 fallback") : c.cgroup_problem);
    case K::kMultiLlc:
      if (c.llcs > 1) return std::nullopt;
      return fmt::format("needs more than one LLC; this machine has {}", c.llcs);
    case K::kNuma:
      if (c.nodes_with_cpus > 1) return std::nullopt;
      return fmt::format("needs more than one NUMA node with CPUs; this machine has {}",
                         c.nodes_with_cpus);
    case K::kSmt:
      if (c.threads_per_core > 1) return std::nullopt;
      return "needs SMT (hardware threads); this machine has 1 thread per core";
    case K::kCapSysNice:
      if (c.cap_sys_nice) return std::nullopt;
      return "needs CAP_SYS_NICE for real-time policies (run as root)";
    case K::kRtCgroups:
      if (c.rt_in_cgroups) return std::nullopt;
      return "needs real-time tasks inside cgroups; this kernel schedules RT tasks per cgroup "
             "(CONFIG_RT_GROUP_SCHED with the v1 cpu controller) and new cgroups get no RT "
             "runtime";
    case K::kMinCpus:
      if (c.cpus >= r.min_cpus) return std::nullopt;
      return fmt::format("needs at least {} CPUs; this machine has {}", r.min_cpus, c.cpus);
    case K::kBinary:
      if (sys::find_in_path(r.binary)) return std::nullopt;
      if (auto pkg = workload::payload_package(workload::detect_payload_kind(r.binary));
          !pkg.empty()) {
        return fmt::format("needs the program '{}' on PATH (Debian package {})", r.binary, pkg);
      }
      return fmt::format("needs the program '{}' on PATH", r.binary);
  }
  return std::nullopt;
}

std::optional<std::string> first_missing_requirement(const Scenario& s,
                                                     const HostCapabilities& caps) {
  for (const auto& r : s.requirements) {
    if (auto why = missing_requirement(r, caps)) return why;
  }
  for (const auto& r : implied_requirements(s)) {
    if (auto why = missing_requirement(r, caps)) return why;
  }
  return std::nullopt;
}

bool needs_cgroups(const Scenario& s) {
  for (const auto& r : implied_requirements(s)) {
    if (r.kind == Requirement::Kind::kCgroups) return true;
  }
  return false;
}

}  // namespace ktstr::scenario
