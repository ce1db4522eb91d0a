#include "gauntlet/jobs.hpp"

#include <fmt/format.h>

#include "scenario/requirements.hpp"
#include "scenario/resolve.hpp"
#include "topology/topology.hpp"

namespace ktstr::gauntlet {
namespace {

using Kind = scenario::Requirement::Kind;

bool is_topology_requirement(Kind k) {
  return k == Kind::kMultiLlc || k == Kind::kNuma || k == Kind::kSmt || k == Kind::kMinCpus;
}

scenario::HostCapabilities preset_capabilities(const topo::Preset& p) {
  scenario::HostCapabilities c;
  c.cpus = p.spec.total_cpus();
  c.llcs = p.spec.llcs;
  c.nodes_with_cpus = p.spec.nodes;
  c.threads_per_core = p.spec.threads_per_core;
  return c;
}

// A top-level cgroup's cpuset that this shape cannot provide ("llc(3)" on
// two LLCs) would fail the run as invalid input; nested cgroups resolve
// against their parent and are left to the run.
std::optional<std::string> cpuset_unmet(const scenario::Scenario& s, const topo::Topology& t) {
  auto check = [&](const scenario::CgroupDef& c) -> std::optional<std::string> {
    if (!c.cpuset || c.name.find('/') != std::string::npos) return std::nullopt;
    auto r = scenario::resolve_cpuset(*c.cpuset, t, t.usable_cpus());
    if (r) return std::nullopt;
    return fmt::format("cgroup {}: {}", c.name, r.error().message);
  };
  for (const auto& c : s.cgroups) {
    if (auto why = check(c)) return why;
  }
  for (const auto& st : s.steps) {
    for (const auto& c : st.cgroups) {
      if (auto why = check(c)) return why;
    }
  }
  return std::nullopt;
}

// Built-in and C++ scenarios run by name; a scenario file by its path.
std::string run_target(const scenario::Scenario& s) {
  const std::string& src = s.source;
  if (src.empty() || src.rfind("builtin:", 0) == 0 || src.rfind("c++:", 0) == 0) return s.name;
  return src;
}

std::optional<std::string> cannot_run(const scenario::Scenario& s, const topo::Preset& preset,
                                      const topo::Topology& shape) {
  const auto caps = preset_capabilities(preset);
  auto requirements = s.requirements;
  for (auto& r : scenario::implied_requirements(s)) requirements.push_back(std::move(r));
  for (const auto& r : requirements) {
    if (!is_topology_requirement(r.kind)) continue;
    if (auto why = scenario::missing_requirement(r, caps)) return why;
  }
  return cpuset_unmet(s, shape);
}

}  // namespace

std::string Job::id() const {
  return fmt::format("{}@{}/{}/{}", scenario, preset, scheduler, kernel);
}

std::optional<std::string> preset_cannot_run(const scenario::Scenario& s,
                                             const topo::Preset& preset) {
  return cannot_run(s, preset, topo::Topology::synthetic(preset.spec));
}

JobMatrix expand_jobs(const JobAxes& axes, const CostModel& cost) {
  JobMatrix m;
  std::vector<topo::Topology> shapes;
  for (const auto& p : axes.presets) shapes.push_back(topo::Topology::synthetic(p.spec));
  for (const auto& s : axes.scenarios) {
    const uint64_t duration_ns =
        axes.duration_override_ns ? axes.duration_override_ns : s.duration_ns;
    for (size_t k = 0; k < axes.presets.size(); ++k) {
      const auto& p = axes.presets[k];
      if (auto why = cannot_run(s, p, shapes[k])) {
        m.skipped.push_back({s.name, p.name, *why});
        continue;
      }
      for (const auto& sched : axes.schedulers) {
        for (const auto& kernel : axes.kernels) {
          Job j{s.name,
                run_target(s),
                p.name,
                sched,
                kernel,
                p.spec.total_cpus(),
                duration_ns / 1000000,
                0};
          j.estimate_ms = cost.estimate_ms(j.cpus, j.duration_ms);
          m.jobs.push_back(std::move(j));
        }
      }
    }
  }
  return m;
}

}  // namespace ktstr::gauntlet
