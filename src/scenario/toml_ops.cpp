// Scenario file pieces with structure: work entries, cgroups and ops.
#include <fmt/format.h>
#include "scenario/toml_parts.hpp"

#include <algorithm>
#include <utility>

#include "util/suggest.hpp"
#include "workload/spec.hpp"

namespace ktstr::scenario::toml_detail {
namespace {

// Parameters are passed to the work type as text, whatever their TOML type.
Result<std::map<std::string, std::string>> parse_params(const toml::node& n,
                                                        const std::string& file) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    return error_at(file, line_of(n), fmt::format("params must be a table, got {}", type_name(n)));
  }
  std::map<std::string, std::string> out;
  for (auto&& [k, v] : *t) {
    std::string text;
    if (auto s = v.value<std::string>()) {
      text = *s;
    } else if (v.is_integer()) {
      text = std::to_string(*v.value<int64_t>());
    } else if (v.is_floating_point()) {
      text = fmt::format("{}", *v.value<double>());
    } else if (v.is_boolean()) {
      text = *v.value<bool>() ? "true" : "false";
    } else {
      return error_at(file, line_of(v),
                      fmt::format("param '{}' must be a string, number or boolean", k.str()));
    }
    out[std::string(k.str())] = text;
  }
  return out;
}

// An integer key checked against its field's range before it is narrowed,
// so 4294967296 is refused at its line instead of wrapping.
Result<std::optional<int64_t>> ranged(const TableReader& r, const char* key,
                                      workload::SpecField f) {
  auto v = r.integer(key);
  if (!v || !*v) return v;
  if (auto st = workload::check_field_value(f, **v, workload::SpecSource::kScenario); !st) {
    return r.error(r.key_line(key), st.error().message);
  }
  return v;
}

Result<WorkDef> parse_work(const toml::table& t, const std::string& file) {
  TableReader r(t, "work entry", &file);
  KTSTR_TRY(r.check_keys(work_keys()));
  WorkDef w;
  w.line = r.line();
  for (auto&& [key, value] : t) {
    w.key_lines[std::string(key.str())] = static_cast<int>(key.source().begin.line);
  }
  auto type = r.required_str("type");
  if (!type) return unexpected(type.error());
  w.spec.work.name = *type;
  using workload::SpecField;
  auto workers = ranged(r, "workers", SpecField::kWorkers);
  if (!workers) return unexpected(workers.error());
  if (*workers) w.spec.num_workers = static_cast<size_t>(**workers);
  auto pct = r.number("workers_pct");
  if (!pct) return unexpected(pct.error());
  w.workers_pct = *pct;
  if (const auto* p = r.raw("params")) {
    auto params = parse_params(*p, file);
    if (!params) return unexpected(params.error());
    w.spec.work.params = *params;
  }
  auto policy = r.str("policy");
  if (!policy) return unexpected(policy.error());
  if (*policy) {
    auto p = workload::parse_sched_policy(**policy);
    if (!p) return r.error(r.key_line("policy"), "policy: " + p.error().message);
    w.spec.sched_policy = *p;
  }
  auto nice = ranged(r, "nice", SpecField::kNice);
  if (!nice) return unexpected(nice.error());
  if (*nice) w.spec.nice = static_cast<int>(**nice);
  if (const auto* a = r.raw("affinity")) {
    auto aff = parse_affinity(*a, file);
    if (!aff) return unexpected(aff.error());
    w.spec.affinity = *aff;
  }
  auto comm = r.str("comm");
  if (!comm) return unexpected(comm.error());
  w.spec.comm = comm->value_or("");
  auto pcomm = r.str("pcomm");
  if (!pcomm) return unexpected(pcomm.error());
  w.spec.pcomm = pcomm->value_or("");
  auto mem = r.str("mem_policy");
  if (!mem) return unexpected(mem.error());
  if (*mem) {
    auto m = workload::parse_mem_policy(**mem);
    if (!m) return r.error(r.key_line("mem_policy"), "mem_policy: " + m.error().message);
    w.spec.mem_policy = *m;
  }
  for (const auto& [id, f] :
       {std::pair{"uid", SpecField::kUid}, std::pair{"gid", SpecField::kGid}}) {
    auto v = ranged(r, id, f);
    if (!v) return unexpected(v.error());
    if (*v) (f == SpecField::kUid ? w.spec.uid : w.spec.gid) = static_cast<uint32_t>(**v);
  }
  auto node = ranged(r, "numa_node", SpecField::kNumaNode);
  if (!node) return unexpected(node.error());
  if (*node) w.spec.numa_node = static_cast<int>(**node);
  return w;
}

}  // namespace

Result<std::vector<WorkDef>> parse_works(const TableReader& r, std::string_view key) {
  std::vector<WorkDef> out;
  const toml::node* n = r.raw(key);
  if (n == nullptr) return out;
  std::vector<const toml::node*> items;
  if (const auto* a = n->as_array()) {
    for (const auto& e : *a) items.push_back(&e);
  } else {
    items.push_back(n);
  }
  std::vector<Error> problems;  // every entry's, not only the first
  for (const toml::node* e : items) {
    const toml::table* t = e->as_table();
    if (t == nullptr) {
      problems.push_back(
          r.error(line_of(*e), fmt::format("each {} entry must be a table such as "
                                           "{{ type = \"spin_wait\", workers = 2 }}, "
                                           "got {}",
                                           key, type_name(*e)))
              .value);
      continue;
    }
    auto w = parse_work(*t, r.file());
    if (!w) {
      problems.push_back(w.error());
      continue;
    }
    out.push_back(std::move(*w));
  }
  if (!problems.empty()) return unexpected(combine_problems(problems));
  return out;
}

Result<ParsedCgroup> parse_cgroup(const toml::table& t, const std::string& where,
                                  const std::string& file, bool is_op) {
  TableReader r(t, where, &file);
  std::vector<std::string> keys = cgroup_keys();
  if (is_op) keys.insert(keys.begin(), "op");
  KTSTR_TRY(r.check_keys(keys));
  ParsedCgroup out;
  out.def.line = r.line();
  auto name = r.required_str("name");
  if (!name) return unexpected(name.error());
  out.def.name = *name;
  auto parent = r.str("parent");
  if (!parent) return unexpected(parent.error());
  out.parent = parent->value_or("");
  out.parent_line = r.key_line("parent");
  if (const auto* c = r.raw("cpuset")) {
    auto cs = parse_cpuset(*c, file);
    if (!cs) return unexpected(cs.error());
    out.def.cpuset = *cs;
  }
  auto works = parse_works(r, "work");
  if (!works) return unexpected(works.error());
  out.def.works = std::move(*works);
  KTSTR_TRY(parse_limits(r, out.def.limits));
  return out;
}

namespace {

std::vector<std::string> op_keys(Op::Kind k) {
  using K = Op::Kind;
  switch (k) {
    case K::kRemoveCgroup:
    case K::kClearCpuset:
    case K::kStop:
    case K::kFreeze:
    case K::kUnfreeze:
      return {"op", "cgroup"};
    case K::kSetCpuset:
      return {"op", "cgroup", "cpuset"};
    case K::kSwapCpusets:
      return {"op", "a", "b"};
    case K::kSetLimits: {
      std::vector<std::string> k2 = {"op", "cgroup"};
      k2.insert(k2.end(), limit_keys().begin(), limit_keys().end());
      return k2;
    }
    case K::kSpawn:
      return {"op", "cgroup", "work"};
    case K::kSpawnHost:
      return {"op", "work"};
    case K::kSetAffinity:
      return {"op", "cgroup", "affinity"};
    case K::kMoveAll:
      return {"op", "from", "to"};
    case K::kRunPayload:
      return {"op", "name", "cmd", "cgroup", "kind"};
    case K::kWaitPayload:
      return {"op", "name", "timeout"};
    case K::kKillPayload:
      return {"op", "name"};
    case K::kDetachScheduler:
    case K::kAttachScheduler:
    case K::kRestartScheduler:
      return {"op", "timeout"};
    case K::kReplaceScheduler:
      return {"op", "scheduler", "args", "timeout"};
    default:
      return {"op"};
  }
}

Status need_str(const TableReader& r, std::string_view key, std::string& out) {
  auto v = r.required_str(key);
  if (!v) return unexpected(v.error());
  out = *v;
  return {};
}

Status fill_lifecycle_op(const TableReader& r, Op& op) {
  op.timeout_ns = kLifecycleTimeoutNs;
  auto t = r.duration_ns("timeout");
  if (!t) return unexpected(t.error());
  if (*t) {
    if (**t == 0) return r.error(r.key_line("timeout"), "timeout must be > 0 (e.g. \"30s\")");
    op.timeout_ns = **t;
  }
  if (op.kind != Op::Kind::kReplaceScheduler) return {};
  auto bin = r.str("scheduler");
  if (!bin) return unexpected(bin.error());
  if (*bin && (*bin)->empty()) {
    return r.error(r.key_line("scheduler"),
                   "scheduler must name a binary (a fixture such as \"scx_qmap\" or a path)");
  }
  op.scheduler = bin->value_or("");
  auto args = r.strings("args");
  if (!args) return unexpected(args.error());
  op.sched_args = *args;
  if (op.scheduler.empty() && !op.sched_args) {
    return r.error(r.line(),
                   "replace_scheduler needs scheduler = \"scx_NAME\" (another binary) and/or "
                   "args = [...] (other arguments); use restart_scheduler for the same ones");
  }
  return {};
}

Status fill_op(const TableReader& r, Op& op) {
  using K = Op::Kind;
  switch (op.kind) {
    case K::kSwapCpusets:
      KTSTR_TRY(need_str(r, "a", op.cgroup));
      return need_str(r, "b", op.other);
    case K::kMoveAll:
      KTSTR_TRY(need_str(r, "from", op.cgroup));
      return need_str(r, "to", op.other);
    case K::kRunPayload: {
      KTSTR_TRY(need_str(r, "name", op.payload));
      auto cmd = r.strings("cmd");
      if (!cmd) return unexpected(cmd.error());
      if (!*cmd || (*cmd)->empty())
        return r.error(r.line(), "run_payload needs cmd = [\"prog\", \"arg\"...]");
      op.argv = **cmd;
      auto cg = r.str("cgroup");
      if (!cg) return unexpected(cg.error());
      op.cgroup = cg->value_or("");
      return parse_payload_kind(r, op);
    }
    case K::kWaitPayload: {
      KTSTR_TRY(need_str(r, "name", op.payload));
      auto t = r.duration_ns("timeout");
      if (!t) return unexpected(t.error());
      if (*t) op.timeout_ns = **t;
      return {};
    }
    case K::kKillPayload:
      return need_str(r, "name", op.payload);
    case K::kSpawnHost: {
      auto w = parse_works(r, "work");
      if (!w) return unexpected(w.error());
      op.works = std::move(*w);
      return {};
    }
    case K::kDetachScheduler:
    case K::kAttachScheduler:
    case K::kRestartScheduler:
    case K::kReplaceScheduler:
      return fill_lifecycle_op(r, op);
    default:
      break;
  }
  KTSTR_TRY(need_str(r, "cgroup", op.cgroup));
  if (op.kind == K::kSetCpuset) {
    if (!r.has("cpuset")) return r.error(r.line(), "set_cpuset needs cpuset = {...}");
    auto c = parse_cpuset(*r.raw("cpuset"), r.file());
    if (!c) return unexpected(c.error());
    op.cpuset = *c;
  } else if (op.kind == K::kSetLimits) {
    KTSTR_TRY(parse_limits(r, op.limits));
  } else if (op.kind == K::kSpawn) {
    auto w = parse_works(r, "work");
    if (!w) return unexpected(w.error());
    op.works = std::move(*w);
  } else if (op.kind == K::kSetAffinity) {
    if (!r.has("affinity")) return r.error(r.line(), "set_affinity needs affinity = ...");
    auto a = parse_affinity(*r.raw("affinity"), r.file());
    if (!a) return unexpected(a.error());
    op.affinity = *a;
  }
  return {};
}

}  // namespace

Result<Op> parse_op(const toml::table& t, const std::string& file) {
  TableReader head(t, "op", &file);
  auto name = head.required_str("op");
  if (!name) return unexpected(name.error());
  auto kind = parse_op_name(*name);
  if (!kind) {
    return head.error(head.key_line("op"),
                      fmt::format("unknown op '{}'{} (ops: {})", *name,
                                  did_you_mean(*name, op_names()), fmt::join(op_names(), ", ")));
  }
  Op op;
  op.kind = *kind;
  op.line = head.line();
  if (*kind == Op::Kind::kAddCgroup) {
    auto c = parse_cgroup(t, "op 'add_cgroup'", file, true);
    if (!c) return unexpected(c.error());
    if (!c->parent.empty()) c->def.name = c->parent + "/" + c->def.name;
    op.cgroup = c->def.name;
    op.def = std::move(c->def);
    return op;
  }
  TableReader r(t, fmt::format("op '{}'", *name), &file);
  KTSTR_TRY(r.check_keys(op_keys(*kind)));
  KTSTR_TRY(fill_op(r, op));
  return op;
}

}  // namespace ktstr::scenario::toml_detail
