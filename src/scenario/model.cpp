#include "scenario/model.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "util/duration.hpp"
#include "util/enum_names.hpp"
#include "util/suggest.hpp"

namespace ktstr::scenario {

CpusetSpec CpusetSpec::llc(int i) {
  CpusetSpec c;
  c.kind = Kind::kLlc;
  c.index = i;
  return c;
}
CpusetSpec CpusetSpec::numa(int node) {
  CpusetSpec c;
  c.kind = Kind::kNuma;
  c.index = node;
  return c;
}
CpusetSpec CpusetSpec::range(double start_frac, double end_frac) {
  CpusetSpec c;
  c.kind = Kind::kRange;
  c.start_frac = start_frac;
  c.end_frac = end_frac;
  return c;
}
CpusetSpec CpusetSpec::disjoint(int index, int of) {
  CpusetSpec c;
  c.kind = Kind::kDisjoint;
  c.index = index;
  c.of = of;
  return c;
}
CpusetSpec CpusetSpec::overlap(int index, int of, double frac) {
  CpusetSpec c;
  c.kind = Kind::kOverlap;
  c.index = index;
  c.of = of;
  c.frac = frac;
  return c;
}
CpusetSpec CpusetSpec::exact(CpuSet cpus) {
  CpusetSpec c;
  c.kind = Kind::kExact;
  c.cpus = std::move(cpus);
  return c;
}

std::string CpusetSpec::describe() const {
  switch (kind) {
    case Kind::kLlc:
      return fmt::format("llc({})", index);
    case Kind::kNuma:
      return fmt::format("numa({})", index);
    case Kind::kRange:
      return fmt::format("range({:g}..{:g})", start_frac, end_frac);
    case Kind::kDisjoint:
      return fmt::format("disjoint({} of {})", index, of);
    case Kind::kOverlap:
      return fmt::format("overlap({} of {}, {:g})", index, of, frac);
    case Kind::kExact:
      return fmt::format("exact({})", format_cpu_list(cpus));
  }
  return "?";
}

Hold Hold::of(double f) {
  Hold h;
  h.kind = Kind::kFraction;
  h.fraction = f;
  return h;
}
Hold Hold::fixed(uint64_t ns) {
  Hold h;
  h.kind = Kind::kFixed;
  h.fixed_ns = ns;
  return h;
}
Hold& Hold::loop(uint64_t interval_ns) {
  loop_interval_ns = interval_ns;
  return *this;
}
std::string Hold::describe() const {
  std::string base;
  switch (kind) {
    case Kind::kShare:
      base = "share";
      break;
    case Kind::kFraction:
      base = fmt::format("{:g}%", fraction * 100);
      break;
    case Kind::kFixed:
      base = format_duration_ns(fixed_ns);
      break;
  }
  if (loop_interval_ns) base += ", ops every " + format_duration_ns(*loop_interval_ns);
  return base;
}

namespace {

constexpr EnumName<Op::Kind> kOpNames[] = {
    {Op::Kind::kAddCgroup, "add_cgroup"},
    {Op::Kind::kRemoveCgroup, "remove_cgroup"},
    {Op::Kind::kSetCpuset, "set_cpuset"},
    {Op::Kind::kClearCpuset, "clear_cpuset"},
    {Op::Kind::kSwapCpusets, "swap_cpusets"},
    {Op::Kind::kSetLimits, "set_limits"},
    {Op::Kind::kSpawn, "spawn"},
    {Op::Kind::kStop, "stop"},
    {Op::Kind::kSetAffinity, "set_affinity"},
    {Op::Kind::kSpawnHost, "spawn_host"},
    {Op::Kind::kMoveAll, "move_all"},
    {Op::Kind::kFreeze, "freeze"},
    {Op::Kind::kUnfreeze, "unfreeze"},
    {Op::Kind::kRunPayload, "run_payload"},
    {Op::Kind::kWaitPayload, "wait_payload"},
    {Op::Kind::kKillPayload, "kill_payload"},
    {Op::Kind::kDetachScheduler, "detach_scheduler"},
    {Op::Kind::kAttachScheduler, "attach_scheduler"},
    {Op::Kind::kRestartScheduler, "restart_scheduler"},
    {Op::Kind::kReplaceScheduler, "replace_scheduler"},
};

}  // namespace

std::string op_name(Op::Kind k) {
  return std::string(enum_name<Op::Kind>(kOpNames, k));
}

std::optional<Op::Kind> parse_op_name(std::string_view name) {
  return enum_from_name<Op::Kind>(kOpNames, name);
}

std::vector<std::string> op_names() {
  return enum_names<Op::Kind>(kOpNames);
}

std::string describe(const Op& op) {
  using K = Op::Kind;
  std::string s = op_name(op.kind);
  switch (op.kind) {
    case K::kAddCgroup:
      return s + " " + (op.def ? op.def->name : op.cgroup);
    case K::kSetCpuset:
      return fmt::format("{} {} {}", s, op.cgroup, op.cpuset ? op.cpuset->describe() : "?");
    case K::kSwapCpusets:
    case K::kMoveAll:
      return fmt::format("{} {} {}", s, op.cgroup, op.other);
    case K::kSpawnHost:
      return fmt::format("{} ({} work groups)", s, op.works.size());
    case K::kRunPayload:
    case K::kWaitPayload:
    case K::kKillPayload:
      return s + " " + op.payload;
    case K::kDetachScheduler:
    case K::kAttachScheduler:
    case K::kRestartScheduler:
      return s;
    case K::kReplaceScheduler:
      return fmt::format(
          "{} {}{}", s, op.scheduler.empty() ? "(same binary)" : op.scheduler,
          op.sched_args ? fmt::format(" args [{}]", fmt::join(*op.sched_args, " ")) : "");
    default:
      return s + " " + op.cgroup;
  }
}

bool is_lifecycle_op(Op::Kind k) {
  using K = Op::Kind;
  return k == K::kDetachScheduler || k == K::kAttachScheduler || k == K::kRestartScheduler ||
         k == K::kReplaceScheduler;
}

bool has_lifecycle_ops(const Scenario& s) {
  for (const auto& st : s.steps) {
    for (const auto& op : st.ops) {
      if (is_lifecycle_op(op.kind)) return true;
    }
  }
  return false;
}

namespace {

constexpr EnumName<Requirement::Kind> kReqNames[] = {
    {Requirement::Kind::kRoot, "root"},
    {Requirement::Kind::kCgroups, "cgroups"},
    {Requirement::Kind::kCpuset, "cpuset"},
    {Requirement::Kind::kCpuController, "cpu_controller"},
    {Requirement::Kind::kMemoryController, "memory_controller"},
    {Requirement::Kind::kPidsController, "pids_controller"},
    {Requirement::Kind::kFreezer, "freezer"},
    {Requirement::Kind::kCgroupV2, "cgroup_v2"},
    {Requirement::Kind::kMultiLlc, "multi_llc"},
    {Requirement::Kind::kNuma, "numa"},
    {Requirement::Kind::kSmt, "smt"},
    {Requirement::Kind::kCapSysNice, "cap_sys_nice"},
    {Requirement::Kind::kRtCgroups, "rt_cgroups"},
    {Requirement::Kind::kMinCpus, "min_cpus"},
    {Requirement::Kind::kBinary, "binary"},
};

}  // namespace

std::vector<std::string> requirement_names() {
  std::vector<std::string> out;
  for (const auto& r : kReqNames) {
    std::string n = r.name;
    if (r.value == Requirement::Kind::kMinCpus) n += ":N";
    if (r.value == Requirement::Kind::kBinary) n += ":NAME";
    out.push_back(n);
  }
  return out;
}

Result<Requirement> parse_requirement(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view head = text.substr(0, colon);
  const std::string arg =
      colon == std::string_view::npos ? "" : std::string(text.substr(colon + 1));
  for (const auto& r : kReqNames) {
    if (head != r.name) continue;
    Requirement req;
    req.kind = r.value;
    if (r.value == Requirement::Kind::kMinCpus) {
      char* end = nullptr;
      long n = std::strtol(arg.c_str(), &end, 10);
      if (arg.empty() || *end != '\0' || n < 1 || n > 4096) {
        return invalid_input(
            fmt::format("'{}': write min_cpus:N with N a CPU count (e.g. min_cpus:4)", text));
      }
      req.min_cpus = static_cast<int>(n);
    } else if (r.value == Requirement::Kind::kBinary) {
      if (arg.empty())
        return invalid_input(fmt::format("'{}': write binary:NAME (e.g. binary:stress-ng)", text));
      req.binary = arg;
    } else if (!arg.empty()) {
      return invalid_input(fmt::format("requirement '{}' takes no argument", head));
    }
    return req;
  }
  return invalid_input(fmt::format("unknown requirement '{}'{} (known: {})", text,
                                   did_you_mean(head, enum_names<Requirement::Kind>(kReqNames)),
                                   fmt::join(requirement_names(), ", ")));
}

std::string to_string(const Requirement& r) {
  for (const auto& n : kReqNames) {
    if (n.value != r.kind) continue;
    if (r.kind == Requirement::Kind::kMinCpus) return fmt::format("min_cpus:{}", r.min_cpus);
    if (r.kind == Requirement::Kind::kBinary) return "binary:" + r.binary;
    return n.name;
  }
  return "?";
}

}  // namespace ktstr::scenario
