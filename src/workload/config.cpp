#include "workload/config.hpp"

#include <charconv>

#include "util/duration.hpp"
#include "workload/spec.hpp"

namespace ktstr::workload {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (;;) {
    size_t next = s.find(sep, pos);
    out.push_back(s.substr(pos, next == std::string_view::npos ? next : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

}  // namespace

// Syntax here; the value rules (priority range, deadline order) are
// check_sched_policy's (spec.cpp), shared with specs built in C++.
Result<SchedPolicy> parse_sched_policy(std::string_view text) {
  using K = SchedPolicy::Kind;
  auto parts = split(text, ':');
  SchedPolicy p;
  std::string_view name = parts[0];
  auto bad = [&](std::string_view why) { return sched_policy_error(text, why); };
  if (name == "normal" || name == "other" || name == "cfs")
    p.kind = K::kNormal;
  else if (name == "batch")
    p.kind = K::kBatch;
  else if (name == "idle")
    p.kind = K::kIdle;
  else if (name == "fifo")
    p.kind = K::kFifo;
  else if (name == "rr" || name == "round_robin")
    p.kind = K::kRoundRobin;
  else if (name == "deadline")
    p.kind = K::kDeadline;
  else
    return bad("unknown policy");
  if (p.is_realtime()) {
    if (parts.size() != 2) return bad("realtime policies need a priority 1-99");
    auto [ptr, ec] =
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), p.priority);
    if (ec != std::errc() || ptr != parts[1].data() + parts[1].size()) {
      return bad("priority must be 1-99");
    }
  } else if (p.kind == K::kDeadline) {
    if (parts.size() != 4) return bad("deadline needs runtime:deadline:period");
    auto rt = parse_duration_ns(parts[1]);
    auto dl = parse_duration_ns(parts[2]);
    auto pe = parse_duration_ns(parts[3]);
    if (!rt || !dl || !pe) return bad("bad duration");
    p.runtime_ns = *rt;
    p.deadline_ns = *dl;
    p.period_ns = *pe;
  } else if (parts.size() != 1) {
    return bad("this policy takes no arguments");
  }
  KTSTR_TRY(check_sched_policy(p, text));
  return p;
}

std::string to_string(const SchedPolicy& p) {
  using K = SchedPolicy::Kind;
  switch (p.kind) {
    case K::kNormal:
      return "normal";
    case K::kBatch:
      return "batch";
    case K::kIdle:
      return "idle";
    case K::kFifo:
      return fmt::format("fifo:{}", p.priority);
    case K::kRoundRobin:
      return fmt::format("rr:{}", p.priority);
    case K::kDeadline:
      return fmt::format("deadline:{}:{}:{}", format_duration_ns(p.runtime_ns),
                         format_duration_ns(p.deadline_ns), format_duration_ns(p.period_ns));
  }
  return "normal";
}

Result<CloneMode> parse_clone_mode(std::string_view text) {
  if (text == "fork") return CloneMode::kFork;
  if (text == "thread") return CloneMode::kThread;
  return invalid_input(fmt::format("clone mode '{}' is not valid; use fork or thread", text));
}

std::string to_string(CloneMode m) {
  return m == CloneMode::kFork ? "fork" : "thread";
}

std::string to_string(const MemPolicy& p) {
  using K = MemPolicy::Kind;
  std::string name;
  switch (p.kind) {
    case K::kDefault:
      name = "default";
      break;
    case K::kBind:
      name = "bind";
      break;
    case K::kPreferred:
      name = "preferred";
      break;
    case K::kInterleave:
      name = "interleave";
      break;
    case K::kLocal:
      name = "local";
      break;
    case K::kPreferredMany:
      name = "preferred_many";
      break;
    case K::kWeightedInterleave:
      name = "weighted_interleave";
      break;
  }
  return p.nodes.empty() ? name : name + ":" + format_cpu_list(p.nodes);
}

// Syntax here; which kinds take how many nodes is check_mem_policy's (spec.cpp).
Result<MemPolicy> parse_mem_policy(std::string_view text) {
  using K = MemPolicy::Kind;
  auto colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  MemPolicy p;
  if (name == "default")
    p.kind = K::kDefault;
  else if (name == "local")
    p.kind = K::kLocal;
  else if (name == "bind")
    p.kind = K::kBind;
  else if (name == "preferred")
    p.kind = K::kPreferred;
  else if (name == "interleave")
    p.kind = K::kInterleave;
  else if (name == "preferred_many")
    p.kind = K::kPreferredMany;
  else if (name == "weighted_interleave")
    p.kind = K::kWeightedInterleave;
  else {
    return invalid_input(
        fmt::format("mem policy '{}' is not valid; use default, local, bind:NODES, preferred:NODE, "
                    "interleave:NODES, preferred_many:NODES, weighted_interleave:NODES",
                    text));
  }
  if (colon != std::string_view::npos) {
    auto nodes = parse_cpu_list(text.substr(colon + 1));
    if (!nodes) return unexpected(nodes.error());
    p.nodes = *nodes;
    // "local:" names nodes too, even an empty list: refused as such below.
    if (p.nodes.empty() && (p.kind == K::kDefault || p.kind == K::kLocal)) p.nodes.insert(0);
  }
  KTSTR_TRY(check_mem_policy(p, text));
  return p;
}

namespace {

// Group 0 of a config as a WorkSpec (num_workers set).
WorkSpec primary_spec(const WorkloadConfig& c) {
  WorkSpec s;
  s.work = c.work;
  s.num_workers = c.num_workers;
  s.sched_policy = c.sched_policy;
  s.affinity = c.affinity;
  s.mem_policy = c.mem_policy;
  s.mpol_flags = c.mpol_flags;
  s.nice = c.nice;
  s.comm = c.comm;
  s.uid = c.uid;
  s.gid = c.gid;
  s.numa_node = c.numa_node;
  return s;
}

}  // namespace

std::vector<WorkSpec> groups_of(const WorkloadConfig& c) {
  std::vector<WorkSpec> out{primary_spec(c)};
  out.insert(out.end(), c.composed.begin(), c.composed.end());
  return out;
}

}  // namespace ktstr::workload
