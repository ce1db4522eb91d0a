// Every rule about a work group's fields (see spec.hpp). A new rule goes in
// check_spec_fields (needs only the spec) or validate_work_spec (needs the
// work type's definition), with a message that names the field through
// field_name() and says the fix.
#include "workload/spec.hpp"

#include <optional>
#include <utility>

namespace ktstr::workload {
namespace {

Unexpected<Error> refuse(const SpecContext& ctx, SpecField f, SpecField* failed, std::string msg) {
  if (failed != nullptr) *failed = f;
  return invalid_input(std::move(msg), ctx.label);
}

Status check_worker_range(size_t n, const SpecContext& ctx) {
  const IntRange r = field_range(SpecField::kWorkers, ctx.source);
  if (n < static_cast<size_t>(r.min) || n > static_cast<size_t>(r.max)) {
    return invalid_input(fmt::format("{} must be in {}..{}, got {}",
                                     field_name(SpecField::kWorkers, ctx.source), r.min, r.max, n),
                         ctx.label);
  }
  return {};
}

// Ids as stored (already narrowed by a parser that checked them, or set by
// a C++ caller).
Status check_ids(const WorkSpec& spec, const SpecContext& ctx, SpecField* failed) {
  const std::pair<SpecField, std::optional<int64_t>> ids[] = {
      {SpecField::kNice, spec.nice},
      {SpecField::kUid, spec.uid},
      {SpecField::kGid, spec.gid},
      {SpecField::kNumaNode, spec.numa_node}};
  for (const auto& [f, v] : ids) {
    if (!v) continue;
    if (auto st = check_field_value(f, *v, ctx.source); !st) {
      return refuse(ctx, f, failed, st.error().message);
    }
  }
  for (int node : spec.mem_policy.nodes) {
    if (node < 0 || node > kMaxNumaNodeId) {
      return refuse(ctx, SpecField::kMemPolicy, failed,
                    fmt::format("{} '{}': node {} is outside 0..{}",
                                field_name(SpecField::kMemPolicy, ctx.source),
                                to_string(spec.mem_policy), node, kMaxNumaNodeId));
    }
  }
  return {};
}

std::string missing_text(const CpuSet& asked, const CpuSet& present) {
  CpuSet missing;
  for (int c : asked) {
    if (!present.count(c)) missing.insert(c);
  }
  return format_cpu_list(missing);
}

// CPUs and nodes against the machine the spec runs on.
Status check_on_machine(const WorkSpec& spec, const SpecContext& ctx, SpecField* failed) {
  const MachineShape& m = *ctx.machine;
  const SpecSource src = ctx.source;
  const auto& a = spec.affinity;
  const CpuSet& cpus = a.kind == AffinityIntent::Kind::kExact ? a.cpus : a.from;
  if (std::string gone = missing_text(cpus, m.cpus); !m.cpus.empty() && !gone.empty()) {
    return refuse(
        ctx, SpecField::kAffinity, failed,
        fmt::format("{}: CPUs {} do not exist on {} (its CPUs: {})",
                    field_name(SpecField::kAffinity, src), gone, m.where, format_cpu_list(m.cpus)));
  }
  if (!m.cpus.empty() && a.kind == AffinityIntent::Kind::kRandomSubset && a.count > m.cpus.size()) {
    return refuse(
        ctx, SpecField::kAffinity, failed,
        fmt::format("{}: random_subset = {} but {} has {} CPUs",
                    field_name(SpecField::kAffinity, src), a.count, m.where, m.cpus.size()));
  }
  if (m.nodes.empty()) return {};
  const std::string nodes = format_cpu_list(CpuSet(m.nodes.begin(), m.nodes.end()));
  if (std::string gone = missing_text(spec.mem_policy.nodes, m.nodes); !gone.empty()) {
    return refuse(ctx, SpecField::kMemPolicy, failed,
                  fmt::format("{} '{}': NUMA nodes {} do not exist on {} (its nodes: {})",
                              field_name(SpecField::kMemPolicy, src), to_string(spec.mem_policy),
                              gone, m.where, nodes));
  }
  if (spec.numa_node && !m.nodes.count(*spec.numa_node)) {
    return refuse(
        ctx, SpecField::kNumaNode, failed,
        fmt::format("{} = {}: that NUMA node does not exist on {} (its nodes: {})",
                    field_name(SpecField::kNumaNode, src), *spec.numa_node, m.where, nodes));
  }
  return {};
}

Status check_unit_multiple(size_t n, const ValidSpec& v, const SpecContext& ctx) {
  if (v.unit_size > 1 && (n == 0 || n % v.unit_size != 0)) {
    return invalid_input(
        fmt::format("{}={} but {} runs in units of {} cooperating workers; use a positive "
                    "multiple of {}",
                    field_name(SpecField::kWorkers, ctx.source), n, v.def->name, v.unit_size,
                    v.unit_size),
        ctx.label);
  }
  return {};
}

Status check_modes(const WorkTypeDef& def, const SpecContext& ctx) {
  const std::string mode = field_name(SpecField::kCloneMode, ctx.source);
  if (ctx.clone_mode == CloneMode::kThread && !def.thread_ok) {
    return invalid_input(fmt::format("{}=thread is not allowed: {}", mode, def.restriction),
                         ctx.label);
  }
  if (ctx.clone_mode == CloneMode::kFork && !def.fork_ok && ctx.spawn_kind == SpawnKind::kDirect) {
    return invalid_input(fmt::format("{}=fork is not allowed: {}", mode, def.restriction),
                         ctx.label);
  }
  if (ctx.spawn_kind == SpawnKind::kPcomm && !def.pcomm_ok) {
    return invalid_input(fmt::format("pcomm is not allowed: {}", def.restriction), ctx.label);
  }
  return {};
}

}  // namespace

std::string field_name(SpecField f, SpecSource source) {
  const bool cli = source == SpecSource::kCli;
  const bool api = source == SpecSource::kApi;
  switch (f) {
    case SpecField::kType:
      return cli ? "--type" : api ? "work.name" : "type";
    case SpecField::kWorkers:
      return cli ? "--workers" : api ? "num_workers" : "workers";
    case SpecField::kParams:
      return cli ? "--param" : api ? "work.params" : "params";
    case SpecField::kPolicy:
      return cli ? "--policy" : api ? "sched_policy" : "policy";
    case SpecField::kNice:
      return cli ? "--nice" : "nice";
    case SpecField::kAffinity:
      return cli ? "--affinity" : "affinity";
    case SpecField::kMemPolicy:
      return cli ? "--mem-policy" : "mem_policy";
    case SpecField::kCloneMode:
      return cli ? "--clone-mode" : "clone_mode";
    case SpecField::kUid:
      return "uid";
    case SpecField::kGid:
      return "gid";
    case SpecField::kNumaNode:
      return "numa_node";
  }
  return "?";
}

IntRange field_range(SpecField f, SpecSource source) {
  switch (f) {
    case SpecField::kWorkers:
      // A C++ caller may compose an empty group (no workers, nothing spawned).
      return {source == SpecSource::kApi ? 0 : 1, static_cast<int64_t>(kMaxWorkersPerGroup)};
    case SpecField::kNice:
      return {-20, 19};
    case SpecField::kUid:
    case SpecField::kGid:
      return {0, kMaxId};
    case SpecField::kNumaNode:
      return {0, kMaxNumaNodeId};
    default:
      return {INT64_MIN, INT64_MAX};
  }
}

Status check_field_value(SpecField f, int64_t value, SpecSource source) {
  const IntRange r = field_range(f, source);
  if (value >= r.min && value <= r.max) return {};
  return invalid_input(
      fmt::format("{} must be in {}..{}, got {}", field_name(f, source), r.min, r.max, value));
}

Unexpected<Error> sched_policy_error(std::string_view text, std::string_view why) {
  return invalid_input(
      fmt::format("policy '{}': {}; valid: normal, batch, idle, fifo:PRIO, rr:PRIO, "
                  "deadline:RUNTIME:DEADLINE:PERIOD",
                  text, why));
}

Unexpected<Error> mem_policy_error(std::string_view text, std::string_view why) {
  return invalid_input(fmt::format("mem policy '{}': {}", text, why));
}

Status check_sched_policy(const SchedPolicy& p, std::string_view text) {
  using K = SchedPolicy::Kind;
  if (p.is_realtime() && (p.priority < 1 || p.priority > 99)) {
    return sched_policy_error(text, "priority must be 1-99");
  }
  if (p.kind == K::kDeadline &&
      !(p.runtime_ns > 0 && p.runtime_ns <= p.deadline_ns && p.deadline_ns <= p.period_ns)) {
    return sched_policy_error(text, "need 0 < runtime <= deadline <= period");
  }
  return {};
}

Status check_mem_policy(const MemPolicy& p, std::string_view text) {
  using K = MemPolicy::Kind;
  const bool takes_nodes = p.kind != K::kDefault && p.kind != K::kLocal;
  if (!takes_nodes && !p.nodes.empty()) return mem_policy_error(text, "this policy takes no nodes");
  if (takes_nodes && p.nodes.empty()) {
    return mem_policy_error(
        text, fmt::format("needs nodes, e.g. {}:0", to_string(MemPolicy{p.kind, {}})));
  }
  if (p.kind == K::kPreferred && p.nodes.size() != 1) {
    return mem_policy_error(text, "preferred takes exactly one node");
  }
  return {};
}

Status check_affinity(const AffinityIntent& a, bool topology_known, SpecSource source) {
  using K = AffinityIntent::Kind;
  const std::string field = field_name(SpecField::kAffinity, source);
  switch (a.kind) {
    case K::kInherit:
      return {};
    case K::kExact:
      if (a.cpus.empty()) {
        return invalid_input(field + ": exact CPU set is empty; list at least one CPU");
      }
      if (*a.cpus.begin() < 0 || *a.cpus.rbegin() > kMaxCpuId) {
        return invalid_input(fmt::format("{}: CPU numbers must be in 0..{}", field, kMaxCpuId));
      }
      return {};
    case K::kRandomSubset:
      if (a.count == 0 || a.count > static_cast<size_t>(kMaxCpuId) + 1) {
        return invalid_input(
            fmt::format("{}: random_subset needs a count in 1..{}", field, kMaxCpuId + 1));
      }
      // With a topology the pool is the cgroup's CPUs.
      if (!topology_known && a.from.empty()) {
        return invalid_input(field + ": random_subset pool is empty; list the CPUs to pick from");
      }
      return {};
    default:
      if (topology_known) return {};
      return invalid_input(
          field +
          ": this intent needs topology context (single_cpu, llc_aligned, cross_cgroup, "
          "smt_sibling_pair); run it through a scenario, which resolves it against the topology "
          "and the cgroup's cpuset");
  }
}

SpecContext SpecContext::for_scenario(bool pcomm, std::string label) {
  SpecContext ctx;
  ctx.source = SpecSource::kScenario;
  ctx.clone_mode = pcomm ? CloneMode::kThread : CloneMode::kFork;
  ctx.spawn_kind = pcomm ? SpawnKind::kPcomm : SpawnKind::kDirect;
  ctx.topology_known = true;
  ctx.count_required = false;
  ctx.label = std::move(label);
  return ctx;
}

Status check_spec_fields(const WorkSpec& spec, const SpecContext& ctx, SpecField* failed) {
  const SpecSource src = ctx.source;
  if (spec.work.name.empty()) {
    return refuse(ctx, SpecField::kType, failed,
                  fmt::format("{} is empty; name a work type (`ktstr list work-types` shows all)",
                              field_name(SpecField::kType, src)));
  }
  if (spec.num_workers) {
    if (auto st = check_worker_range(*spec.num_workers, ctx); !st) {
      return refuse(ctx, SpecField::kWorkers, failed, st.error().message);
    }
  } else if (ctx.count_required) {
    return refuse(ctx, SpecField::kWorkers, failed,
                  fmt::format("{} is required for composed groups; set it explicitly",
                              field_name(SpecField::kWorkers, src)));
  }
  KTSTR_TRY(check_ids(spec, ctx, failed));
  if (auto st = check_sched_policy(spec.sched_policy, to_string(spec.sched_policy)); !st) {
    return refuse(ctx, SpecField::kPolicy, failed, st.error().message);
  }
  if (auto st = check_mem_policy(spec.mem_policy, to_string(spec.mem_policy)); !st) {
    return refuse(ctx, SpecField::kMemPolicy, failed, st.error().message);
  }
  if (auto st = check_affinity(spec.affinity, ctx.topology_known, src); !st) {
    return refuse(ctx, SpecField::kAffinity, failed, st.error().message);
  }
  if (ctx.machine != nullptr) KTSTR_TRY(check_on_machine(spec, ctx, failed));
  return {};
}

Result<ValidSpec> validate_work_spec(const WorkSpec& spec, const SpecContext& ctx) {
  KTSTR_TRY(check_spec_fields(spec, ctx));
  const auto& reg = WorkTypeRegistry::instance();
  const WorkTypeDef* def = reg.find(spec.work.name);
  if (def == nullptr) {
    return invalid_input(fmt::format("work type '{}' does not exist; did you mean '{}'? "
                                     "(`ktstr list work-types` shows all)",
                                     spec.work.name, reg.nearest(spec.work.name)),
                         ctx.label);
  }
  auto params = resolve_params(def->name, def->params, spec.work.params);
  if (!params) return unexpected(with_context(params.error(), ctx.label));
  if (auto st = def->validate(*params); !st) return unexpected(with_context(st.error(), ctx.label));
  KTSTR_TRY(check_modes(*def, ctx));
  ValidSpec v;
  v.def = def;
  v.unit_size = def->group_size(*params);
  v.params = std::move(*params);
  if (spec.num_workers) KTSTR_TRY(check_unit_multiple(*spec.num_workers, v, ctx));
  v.spec = spec;
  return v;
}

Status set_worker_count(ValidSpec& v, size_t workers, const SpecContext& ctx) {
  KTSTR_TRY(check_worker_range(workers, ctx));
  KTSTR_TRY(check_unit_multiple(workers, v, ctx));
  v.spec.num_workers = workers;
  return {};
}

}  // namespace ktstr::workload
