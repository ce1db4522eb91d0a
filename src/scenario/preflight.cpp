#include "scenario/preflight.hpp"
#include "scenario/lifecycle.hpp"

#include <fmt/format.h>

#include "scenario/catalogue.hpp"
#include "scenario/engine.hpp"
#include "scenario/requirements.hpp"
#include "topology/presets.hpp"
#include "topology/spec.hpp"

namespace ktstr::scenario {
namespace {

std::string missing_list(const CpuSet& asked, const CpuSet& present) {
  CpuSet out;
  for (int c : asked) {
    if (!present.count(c)) out.insert(c);
  }
  return format_cpu_list(out);
}

class Preflight {
 public:
  Preflight(const Scenario& s, const topo::Topology& t, const std::string& where)
      : s_(s), t_(t), m_(machine_shape(t, where)) {}

  std::vector<Error> run() {
    for (const auto& c : s_.cgroups) cgroup(c);
    for (const auto& step : s_.steps) {
      for (const auto& c : step.cgroups) cgroup(c);
      for (const auto& op : step.ops) apply(op);
    }
    return std::move(problems_);
  }

 private:
  void add(int line, std::string msg) {
    std::string ctx = s_.source.empty() ? "scenario " + s_.name : s_.source;
    if (line > 0) ctx += fmt::format(":{}", line);
    problems_.push_back(invalid_input(std::move(msg), ctx).value);
  }

  void cgroup(const CgroupDef& c) {
    if (c.cpuset) cpuset(*c.cpuset, c.line);
    works(c.works);
  }

  void cpuset(const CpusetSpec& c, int line) {
    using K = CpusetSpec::Kind;
    const std::string nodes = format_cpu_list(CpuSet(m_.nodes.begin(), m_.nodes.end()));
    if (c.kind == K::kExact) {
      if (auto gone = missing_list(c.cpus, m_.cpus); !gone.empty()) {
        add(line, fmt::format("cpuset: CPUs {} do not exist on {} (its CPUs: {})", gone, m_.where,
                              format_cpu_list(m_.cpus)));
      }
    } else if (c.kind == K::kLlc && c.index >= t_.num_llcs()) {
      add(line, fmt::format("cpuset llc = {}: {} has {} LLC(s), numbered 0..{}", c.index, m_.where,
                            t_.num_llcs(), t_.num_llcs() - 1));
    } else if (c.kind == K::kNuma && !m_.nodes.count(c.index)) {
      add(line, fmt::format("cpuset numa = {}: that NUMA node does not exist on {} (its nodes: {})",
                            c.index, m_.where, nodes));
    }
  }

  // The same context the engine validates a spawn with (engine_workers.cpp),
  // plus the machine.
  workload::SpecContext context(bool pcomm, const std::string& type) const {
    auto ctx = workload::SpecContext::for_scenario(pcomm, "work type " + type);
    ctx.machine = &m_;
    return ctx;
  }

  void works(const std::vector<WorkDef>& ws) {
    if (ws.empty()) return;
    const bool pcomm = !ws.front().spec.pcomm.empty();
    const auto& reg = workload::WorkTypeRegistry::instance();
    for (const auto& w : ws) {
      const auto ctx = context(pcomm, w.spec.work.name);
      workload::SpecField field{};
      if (auto st = workload::check_spec_fields(w.spec, ctx, &field); !st) {
        auto key = w.key_lines.find(workload::field_name(field, ctx.source));
        add(key == w.key_lines.end() ? w.line : key->second, st.error().message);
        continue;
      }
      if (reg.find(w.spec.work.name) == nullptr) continue;
      if (auto v = workload::validate_work_spec(w.spec, ctx); !v) {
        auto key = w.key_lines.find("params");
        add(key == w.key_lines.end() ? w.line : key->second, v.error().message);
      }
    }
  }

  void apply(const Op& op) {
    switch (op.kind) {
      case Op::Kind::kAddCgroup:
        if (op.def) cgroup(*op.def);
        return;
      case Op::Kind::kSetCpuset:
        if (op.cpuset) cpuset(*op.cpuset, op.line);
        return;
      case Op::Kind::kSpawn:
      case Op::Kind::kSpawnHost:
        works(op.works);
        return;
      case Op::Kind::kSetAffinity: {
        workload::WorkSpec spec;
        spec.affinity = op.affinity;
        if (auto st = workload::check_spec_fields(spec, context(false, "set_affinity")); !st) {
          add(op.line, st.error().message);
        }
        return;
      }
      default:
        return;
    }
  }

  const Scenario& s_;
  const topo::Topology& t_;
  const workload::MachineShape m_;
  std::vector<Error> problems_;
};

HostCapabilities topology_caps(const topo::Topology& t) {
  HostCapabilities caps;
  caps.cpus = t.num_cpus();
  caps.llcs = t.num_llcs();
  for (const auto& n : t.nodes()) caps.nodes_with_cpus += n.cpus.empty() ? 0 : 1;
  caps.threads_per_core = t.threads_per_core();
  return caps;
}

// Why `s` would skip on `t` for its topology (or, with `programs`, a payload
// program missing on PATH); "" when it would run.
std::string skip_reason(const Scenario& s, const topo::Topology& t, bool programs) {
  using K = Requirement::Kind;
  const HostCapabilities caps = topology_caps(t);
  auto all = s.requirements;
  for (const auto& r : implied_requirements(s)) all.push_back(r);
  for (const auto& r : all) {
    const bool topo_kind =
        r.kind == K::kMultiLlc || r.kind == K::kNuma || r.kind == K::kSmt || r.kind == K::kMinCpus;
    if (!topo_kind && !(programs && r.kind == K::kBinary)) continue;
    if (auto why = missing_requirement(r, caps)) return *why;
  }
  return {};
}

}  // namespace

workload::MachineShape machine_shape(const topo::Topology& t, std::string where) {
  workload::MachineShape m;
  m.cpus = t.all_cpus();
  for (const auto& n : t.nodes()) m.nodes.insert(n.id);
  m.where = std::move(where);
  return m;
}

Result<workload::MachineShape> host_machine_shape() {
  auto t = topo::Topology::from_sysfs();
  if (!t) return unexpected(t.error());
  return machine_shape(*t, "this machine");
}

std::vector<Error> preflight_problems(const Scenario& s, const topo::Topology& t,
                                      const std::string& where) {
  if (!skip_reason(s, t, false).empty()) return {};
  return Preflight(s, t, where).run();
}

Status preflight(const std::vector<Scenario>& selected, const topo::Topology& t,
                 const std::string& where) {
  std::vector<std::string> lines;
  for (const auto& s : selected) {
    for (const auto& e : preflight_problems(s, t, where)) lines.push_back(e.describe());
  }
  if (lines.empty()) return {};
  if (lines.size() == 1) return invalid_input(lines.front());
  return invalid_input(fmt::format("{} problems:\n  {}", lines.size(), fmt::join(lines, "\n  ")));
}

Status preflight_on_host(const std::vector<Scenario>& selected) {
  auto t = topo::Topology::from_sysfs();
  if (!t) return unexpected(t.error());
  return preflight(selected, *t, "this machine");
}

// A preset name or a spec, as `--topology` takes it (topology/presets.hpp).
Result<topo::Topology> vm_topology(const std::string& spec) {
  auto choice = topo::resolve_topology(spec);
  if (!choice) return unexpected(choice.error());
  return topo::Topology::synthetic(choice->spec);
}

Status preflight_for_vm(const RunFlags& f, const std::string& spec) {
  auto selected = select_for_run(f);
  if (!selected) return unexpected(selected.error());
  auto t = vm_topology(spec);
  if (!t) return unexpected(t.error());
  return preflight(*selected, *t, fmt::format("the VM ({})", spec));
}

DryRun dry_run(const RunFlags& f, const std::string& vm_topology_spec) {
  DryRun out;
  if (auto loop = loop_options_from_flags(f, false); !loop) out.problems.push_back(loop.error());
  const bool vm = !vm_topology_spec.empty();
  auto t = vm ? vm_topology(vm_topology_spec) : topo::Topology::from_sysfs();
  if (!t) {
    out.problems.push_back(t.error());
    return out;
  }
  const std::string where = vm ? fmt::format("the VM ({})", vm_topology_spec) : "this machine";
  // Each target on its own, so every bad file is reported.
  std::vector<std::vector<std::string>> groups;
  for (const auto& target : f.targets) groups.push_back({target});
  if (groups.empty()) groups.emplace_back();
  for (const auto& g : groups) {
    auto s = select_scenarios(g, f.filter);
    if (!s) {
      out.problems.push_back(s.error());
      continue;
    }
    for (auto& sc : *s) out.selected.push_back(std::move(sc));
  }
  if (out.selected.empty() && out.problems.empty()) {
    out.problems.push_back(select_for_run(f).error());
  }
  for (const auto& s : out.selected) {
    // Payload programs come from this host's PATH in VM mode too (they are
    // copied into the initramfs), so they are checked here either way.
    std::string why = skip_reason(s, *t, true);
    if (why.empty() && !vm) why = lifecycle_unavailable(s);  // a real run: exit 3
    out.skip_reasons.push_back(std::move(why));
    if (auto missing = missing_payload_program(s)) {
      out.problems.push_back(environment_error(*missing).value);
    }
    for (auto& e : preflight_problems(s, *t, where)) out.problems.push_back(std::move(e));
  }
  return out;
}

}  // namespace ktstr::scenario
