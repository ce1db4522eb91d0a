// Semantic validation of a Scenario (see model.hpp).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "cgroup/path.hpp"
#include "scenario/model.hpp"
#include "scenario/phases.hpp"
#include "workload/spec.hpp"

namespace ktstr::scenario {
namespace {

class Validator {
 public:
  explicit Validator(const Scenario& s) : s_(s) {}

  Status run() {
    if (s_.name.empty()) return fail(0, "scenario has no name; set name = \"...\"");
    for (char c : s_.name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
        return fail(
            0, fmt::format("scenario name '{}' may only use letters, digits, _ and -", s_.name));
      }
    }
    if (s_.duration_ns == 0) return fail(0, "duration must be > 0 (e.g. duration = \"3s\")");
    for (const auto& c : s_.cgroups) KTSTR_TRY(add_cgroup(c));
    KTSTR_TRY(check_holds());
    for (const auto& step : s_.steps) {
      const int passes = step.hold.loop_interval_ns ? 2 : 1;
      for (int pass = 0; pass < passes; ++pass) {
        for (const auto& op : step.ops) KTSTR_TRY(apply(op, pass > 0));
      }
      for (const auto& c : step.cgroups) KTSTR_TRY(add_cgroup(c));
    }
    return {};
  }

 private:
  Unexpected<Error> fail(int line, std::string msg) const {
    std::string ctx = s_.source.empty() ? "scenario " + s_.name : s_.source;
    if (line > 0) ctx += fmt::format(":{}", line);
    return invalid_input(std::move(msg), ctx);
  }

  Status need(const std::string& name, int line, const char* op) const {
    if (live_.count(name)) return {};
    std::vector<std::string> names(live_.begin(), live_.end());
    std::string known = names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
    return fail(line, fmt::format("{} names cgroup '{}', which does not exist at that point "
                                  "(existing: {})",
                                  op, name, known));
  }

  Status add_cgroup(const CgroupDef& c) {
    if (auto st = cgroup::validate_cgroup_path(c.name); !st) {
      return fail(c.line, fmt::format("cgroup name '{}': {}", c.name, st.error().message));
    }
    if (live_.count(c.name)) {
      return fail(c.line, fmt::format("cgroup '{}' is declared twice; cgroup names must be unique",
                                      c.name));
    }
    if (c.cpuset) KTSTR_TRY(check_cpuset(*c.cpuset, c.line));
    KTSTR_TRY(check_limits(c.limits, c.line));
    for (const auto& w : c.works) KTSTR_TRY(check_work(w));
    live_.insert(c.name);
    return {};
  }

  Status check_cpuset(const CpusetSpec& c, int line) const {
    using K = CpusetSpec::Kind;
    switch (c.kind) {
      case K::kLlc:
      case K::kNuma:
        if (c.index < 0) return fail(line, "cpuset llc/numa index must be >= 0");
        return {};
      case K::kRange:
        if (!(c.start_frac >= 0 && c.start_frac < c.end_frac && c.end_frac <= 1)) {
          return fail(line, fmt::format("cpuset range needs 0 <= start < end <= 1, got {:g}..{:g}",
                                        c.start_frac, c.end_frac));
        }
        return {};
      case K::kDisjoint:
      case K::kOverlap:
        if (c.of < 1 || c.index < 0 || c.index >= c.of) {
          return fail(line, fmt::format("cpuset part needs 0 <= index < of, got index {} of {}",
                                        c.index, c.of));
        }
        if (c.kind == K::kOverlap && !(c.frac >= 0 && c.frac <= 1)) {
          return fail(line, fmt::format("cpuset overlap frac must be in [0, 1], got {:g}", c.frac));
        }
        return {};
      case K::kExact:
        if (c.cpus.empty()) return fail(line, "cpuset exact needs at least one CPU");
        return {};
    }
    return {};
  }

  Status check_limits(const Limits& l, int line) const {
    if (l.cpu_weight && (*l.cpu_weight < 1 || *l.cpu_weight > 10000)) {
      return fail(line, fmt::format("cpu_weight must be in 1..10000, got {}", *l.cpu_weight));
    }
    if (l.cpu_max_quota_us && *l.cpu_max_quota_us < 1000) {
      return fail(line, "cpu_max quota must be at least 1ms");
    }
    if (l.cpu_max_period_us < 1000 || l.cpu_max_period_us > 1000000) {
      return fail(line, "cpu_max period must be between 1ms and 1s");
    }
    if (l.memory_max_bytes && *l.memory_max_bytes == 0) return fail(line, "memory_max must be > 0");
    if (l.pids_max && *l.pids_max == 0) return fail(line, "pids_max must be > 0");
    return {};
  }

  // The work-spec rules are workload/spec.cpp's; only workers_pct, which a
  // WorkSpec does not have, is checked here.
  Status check_work(const WorkDef& w) const {
    workload::SpecField field{};
    if (auto st = workload::check_spec_fields(w.spec, spec_context(), &field); !st) {
      auto key = w.key_lines.find(workload::field_name(field, workload::SpecSource::kScenario));
      return fail(key == w.key_lines.end() ? w.line : key->second, st.error().message);
    }
    if (w.spec.num_workers && w.workers_pct) {
      return fail(w.line, "give either workers or workers_pct, not both");
    }
    if (w.workers_pct && !(*w.workers_pct > 0 && *w.workers_pct <= 1000)) {
      return fail(w.line,
                  fmt::format("workers_pct must be in (0, 1000], got {:g}", *w.workers_pct));
    }
    return {};
  }

  static workload::SpecContext spec_context() {
    workload::SpecContext ctx;
    ctx.source = workload::SpecSource::kScenario;
    ctx.topology_known = true;   // the engine resolves every intent
    ctx.count_required = false;  // derived from the cgroup's CPUs when absent
    return ctx;
  }

  Status check_holds() const {
    double fractions = 0;
    uint64_t fixed = 0;
    for (const auto& st : s_.steps) {
      const auto& h = st.hold;
      if (h.kind == Hold::Kind::kFraction && !(h.fraction > 0 && h.fraction <= 1)) {
        return fail(st.line, fmt::format("hold fraction must be in (0%, 100%], got {:g}%",
                                         h.fraction * 100));
      }
      if (h.kind == Hold::Kind::kFraction) fractions += h.fraction;
      if (h.kind == Hold::Kind::kFixed) fixed += h.fixed_ns;
      if (h.loop_interval_ns && *h.loop_interval_ns < 1'000'000) {
        return fail(st.line, "a loop interval must be at least 1ms");
      }
    }
    if (fractions > 1.0 + 1e-9) {
      return fail(0, fmt::format("step holds add up to {:g}% of the duration; at most 100%",
                                 fractions * 100));
    }
    if (fixed > s_.duration_ns) {
      return fail(0, "fixed step holds are longer than the scenario duration");
    }
    return {};
  }

  void remove_tree(const std::string& name) {
    for (auto it = live_.begin(); it != live_.end();) {
      if (*it == name || it->rfind(name + "/", 0) == 0) {
        it = live_.erase(it);
      } else {
        ++it;
      }
    }
  }

  Status apply(const Op& op, bool repeat) {
    using K = Op::Kind;
    const std::string what = op_name(op.kind);
    switch (op.kind) {
      case K::kAddCgroup:
        if (!op.def) return fail(op.line, "add_cgroup needs a cgroup definition");
        if (repeat && live_.count(op.def->name)) {
          return fail(op.line, fmt::format("a looping step re-applies its ops, so add_cgroup would "
                                           "create '{}' twice; remove it earlier in the same step",
                                           op.def->name));
        }
        return add_cgroup(*op.def);
      case K::kRemoveCgroup:
        KTSTR_TRY(need(op.cgroup, op.line, "remove_cgroup"));
        remove_tree(op.cgroup);
        return {};
      case K::kSwapCpusets:
      case K::kMoveAll:
        KTSTR_TRY(need(op.cgroup, op.line, what.c_str()));
        return need(op.other, op.line, what.c_str());
      case K::kSetCpuset:
        if (!op.cpuset) return fail(op.line, "set_cpuset needs a cpuset");
        KTSTR_TRY(check_cpuset(*op.cpuset, op.line));
        return need(op.cgroup, op.line, what.c_str());
      case K::kSetLimits:
        KTSTR_TRY(check_limits(op.limits, op.line));
        return need(op.cgroup, op.line, what.c_str());
      case K::kSpawn:
        KTSTR_TRY(need(op.cgroup, op.line, what.c_str()));
        [[fallthrough]];
      case K::kSpawnHost:
        if (op.works.empty()) return fail(op.line, what + " needs at least one work entry");
        for (const auto& w : op.works) KTSTR_TRY(check_work(w));
        return {};
      case K::kSetAffinity:
        if (auto st = workload::check_affinity(op.affinity, true, workload::SpecSource::kScenario);
            !st) {
          return fail(op.line, st.error().message);
        }
        return need(op.cgroup, op.line, what.c_str());
      case K::kClearCpuset:
      case K::kStop:
      case K::kFreeze:
      case K::kUnfreeze:
        return need(op.cgroup, op.line, what.c_str());
      case K::kRunPayload:
        if (op.payload.empty() || op.argv.empty()) {
          return fail(op.line, "run_payload needs name and cmd");
        }
        if (!op.cgroup.empty()) KTSTR_TRY(need(op.cgroup, op.line, what.c_str()));
        // A second start under a running name would lose the first process.
        if (!running_.insert(op.payload).second) {
          return fail(
              op.line,
              fmt::format("payload name '{}' is already running{}; payload names must be "
                          "unique (or wait_payload/kill_payload it first)",
                          op.payload, repeat ? " (a looping step re-applies its ops)" : ""));
        }
        payloads_.insert(op.payload);
        return {};
      case K::kWaitPayload:
      case K::kKillPayload:
        if (!payloads_.count(op.payload)) {
          return fail(op.line, fmt::format("{} names payload '{}', which no earlier run_payload "
                                           "started",
                                           what, op.payload));
        }
        running_.erase(op.payload);
        return {};
      case K::kReplaceScheduler:
        if (op.scheduler.empty() && !op.sched_args) {
          return fail(op.line, "replace_scheduler needs another binary and/or other arguments");
        }
        [[fallthrough]];
      case K::kDetachScheduler:
      case K::kAttachScheduler:
      case K::kRestartScheduler:
        if (op.timeout_ns == 0) return fail(op.line, what + ": timeout must be > 0");
        return {};
      default:
        return {};
    }
  }

  const Scenario& s_;
  std::set<std::string> live_;
  std::set<std::string> payloads_;  // ever started
  std::set<std::string> running_;   // started and not yet waited for or killed
};

void collect_types(const std::vector<WorkDef>& works, std::set<std::string>& out) {
  for (const auto& w : works) out.insert(w.spec.work.name);
}

}  // namespace

Status validate(const Scenario& s) {
  KTSTR_TRY(Validator(s).run());
  return validate_phases(s);
}

std::vector<std::string> work_types_used(const Scenario& s) {
  std::set<std::string> names;
  for (const auto& c : s.cgroups) collect_types(c.works, names);
  for (const auto& st : s.steps) {
    for (const auto& c : st.cgroups) collect_types(c.works, names);
    for (const auto& op : st.ops) {
      collect_types(op.works, names);
      if (op.def) collect_types(op.def->works, names);
    }
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> missing_work_types(const Scenario& s) {
  std::vector<std::string> out;
  const auto& reg = workload::WorkTypeRegistry::instance();
  for (const auto& n : work_types_used(s)) {
    if (reg.find(n) == nullptr) out.push_back(n);
  }
  return out;
}

}  // namespace ktstr::scenario
