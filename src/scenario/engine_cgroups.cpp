// Engine: op dispatch and the cgroup side of ops (create, remove, cpusets,
// limits, freeze, moves).
#include "scenario/engine_impl.hpp"
#include "scenario/resolve.hpp"
#include "topology/cpuset_math.hpp"

namespace ktstr::scenario::detail {
namespace {

std::string parent_of(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? "" : name.substr(0, slash);
}

Status at(Status st, const Op& op) {
  if (st) return st;
  return unexpected(with_context(st.error(), describe(op)));
}

}  // namespace

std::optional<CpuSet> Engine::effective_cpuset(const std::string& name) const {
  for (std::string n = name; !n.empty(); n = parent_of(n)) {
    auto it = cgroups_.find(n);
    if (it != cgroups_.end() && it->second.own_cpuset) return it->second.own_cpuset;
  }
  return std::nullopt;
}

CpuSet Engine::placement_cpus(const std::string& name) const {
  auto eff = name.empty() ? std::nullopt : effective_cpuset(name);
  return eff ? *eff : topo_->usable_cpus();
}

void Engine::note_cpusets() {
  for (const auto& [name, c] : cgroups_) {
    auto eff = effective_cpuset(name);
    auto& h = allowed_[name];
    if (!eff) {
      h.unrestricted = true;
    } else {
      h.cpus = topo::unite(h.cpus, *eff);
    }
  }
}

Status Engine::add_cgroup(const CgroupDef& def, bool start_now) {
  const std::string ctx = "cgroup " + def.name;
  auto wrap = [&](Status st) -> Status {
    if (st) return st;
    return unexpected(with_context(st.error(), ctx));
  };
  KTSTR_TRY(wrap(cgm_->create(def.name)));
  cgroups_[def.name] = LiveCgroup{};
  if (def.cpuset) {
    auto cpus = resolve_cpuset(*def.cpuset, *topo_, placement_cpus(parent_of(def.name)));
    if (!cpus) return unexpected(with_context(cpus.error(), ctx));
    KTSTR_TRY(wrap(set_cpuset(def.name, *cpus)));
  }
  note_cpusets();
  KTSTR_TRY(wrap(apply_limits(def.name, def.limits)));
  const auto eff = effective_cpuset(def.name);
  event("setup", fmt::format("created {} cpuset {}", def.name,
                             eff ? format_cpu_list(*eff) : std::string("(inherited: all)")));
  if (!def.works.empty()) KTSTR_TRY(wrap(spawn(def.name, def.works, start_now)));
  return {};
}

Status Engine::set_cpuset(const std::string& name, const std::optional<CpuSet>& cpus) {
  if (cpus) {
    KTSTR_TRY(cgm_->set_cpuset(name, *cpus));
  } else {
    KTSTR_TRY(cgm_->clear_cpuset(name));
  }
  cgroups_[name].own_cpuset = cpus;
  note_cpusets();
  return {};
}

Status Engine::apply_limits(const std::string& name, const Limits& l) {
  if (l.cpu_weight) KTSTR_TRY(cgm_->set_cpu_weight(name, *l.cpu_weight));
  if (l.cpu_max_quota_us) {
    KTSTR_TRY(cgm_->set_cpu_max(name, *l.cpu_max_quota_us, l.cpu_max_period_us));
  }
  if (l.memory_max_bytes) KTSTR_TRY(cgm_->set_memory_max(name, *l.memory_max_bytes));
  if (l.pids_max) KTSTR_TRY(cgm_->set_pids_max(name, *l.pids_max));
  return {};
}

Status Engine::remove_cgroup(const std::string& name) {
  stop_cgroup(name, true);
  KTSTR_TRY(cgm_->remove(name));
  for (auto it = cgroups_.begin(); it != cgroups_.end();) {
    if (it->first == name || it->first.rfind(name + "/", 0) == 0) {
      it = cgroups_.erase(it);
    } else {
      ++it;
    }
  }
  return {};
}

Status Engine::apply(const Op& op, bool in_loop) {
  using K = Op::Kind;
  Status st;
  switch (op.kind) {
    case K::kAddCgroup:
      st = add_cgroup(*op.def, true);
      break;
    case K::kRemoveCgroup:
      st = remove_cgroup(op.cgroup);
      break;
    case K::kSetCpuset: {
      auto cpus = resolve_cpuset(*op.cpuset, *topo_, placement_cpus(parent_of(op.cgroup)));
      st = cpus ? set_cpuset(op.cgroup, *cpus) : Status(unexpected(cpus.error()));
      break;
    }
    case K::kClearCpuset:
      st = set_cpuset(op.cgroup, std::nullopt);
      break;
    case K::kSwapCpusets: {
      const auto a = cgroups_[op.cgroup].own_cpuset;
      const auto b = cgroups_[op.other].own_cpuset;
      // Siblings under one parent: each write only has to stay inside the
      // parent, so the order does not matter (no exclusive cpusets here).
      st = set_cpuset(op.cgroup, b);
      if (st) st = set_cpuset(op.other, a);
      break;
    }
    case K::kSetLimits:
      st = apply_limits(op.cgroup, op.limits);
      break;
    case K::kSpawn:
      st = spawn(op.cgroup, op.works, true);
      break;
    case K::kSpawnHost:
      st = spawn("", op.works, true);
      break;
    case K::kStop:
      stop_cgroup(op.cgroup, false);
      break;
    case K::kSetAffinity:
      st = set_affinity(op.cgroup, op.affinity);
      break;
    case K::kMoveAll:
      st = cgm_->move_all(op.cgroup, op.other);
      for (auto& b : batches_) {
        if (st && b->current_cgroup == op.cgroup) {
          b->current_cgroup = op.other;
          b->visited.insert(op.other);
        }
      }
      break;
    case K::kFreeze:
    case K::kUnfreeze:
      st = cgm_->freeze(op.cgroup, op.kind == K::kFreeze);
      if (st) cgroups_[op.cgroup].frozen = op.kind == K::kFreeze;
      break;
    case K::kRunPayload:
      st = run_payload(op);
      break;
    case K::kWaitPayload:
      st = wait_payload(op);
      break;
    case K::kKillPayload:
      st = kill_payload(op.payload);
      break;
    case K::kDetachScheduler:
    case K::kAttachScheduler:
    case K::kRestartScheduler:
    case K::kReplaceScheduler:
      return lifecycle_op(op, in_loop);
  }
  KTSTR_TRY(at(std::move(st), op));
  std::string detail = describe(op);
  if (op.kind == K::kSetCpuset || op.kind == K::kSwapCpusets) {
    auto eff = effective_cpuset(op.cgroup);
    detail += fmt::format(" -> {} now {}", op.cgroup, eff ? format_cpu_list(*eff) : "all");
  }
  event(in_loop ? "loop" : "op", detail);
  return {};
}

}  // namespace ktstr::scenario::detail
