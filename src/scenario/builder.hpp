// C++ builders for the scenario model, and KTSTR_SCENARIO to register a
// scenario written in C++ so `ktstr run` / `ktstr list scenarios` see it.
//
//   KTSTR_SCENARIO(two_halves) {
//     s.description("two cgroups on disjoint halves")
//         .category("cpuset")
//         .duration("3s")
//         .cgroup(Cgroup("cg_0").cpuset(CpusetSpec::disjoint(0, 2))
//                     .work(Work("futex_ping_pong").workers(2)))
//         .cgroup(Cgroup("cg_1").cpuset(CpusetSpec::disjoint(1, 2))
//                     .work(Work("spin_wait").workers_pct(100)))
//         .step({}, Hold::of(0.5))
//         .step({ops::swap_cpusets("cg_0", "cg_1")}, Hold::of(0.5))
//         .check("isolation", true);
//   }
//
// The macro must be used in a source file linked into the executable (a
// static library's unreferenced object would be dropped by the linker).
// Builder methods never fail; bad values (an unparsable duration, an unknown
// check) are remembered and reported by build().
#pragma once

#include <string>
#include <vector>

#include "scenario/model.hpp"

namespace ktstr::scenario {

class Work {
 public:
  explicit Work(std::string type);
  Work& workers(size_t n);
  Work& workers_pct(double pct);
  Work& param(const std::string& key, const std::string& value);
  Work& policy(const workload::SchedPolicy& p);
  Work& nice(int n);
  Work& affinity(const workload::AffinityIntent& a);
  Work& comm(std::string c);
  Work& pcomm(std::string p);
  Work& mem_policy(const workload::MemPolicy& m);
  const WorkDef& def() const { return def_; }

 private:
  WorkDef def_;
};

class Cgroup {
 public:
  explicit Cgroup(std::string name);
  Cgroup& cpuset(const CpusetSpec& c);
  Cgroup& work(const Work& w);
  Cgroup& cpu_weight(uint32_t w);
  Cgroup& cpu_max(uint64_t quota_us, uint64_t period_us = 100000);
  Cgroup& memory_max(uint64_t bytes);
  Cgroup& pids_max(uint64_t n);
  const CgroupDef& def() const { return def_; }

 private:
  CgroupDef def_;
};

// Affinity intents for Work::affinity and ops::set_affinity.
namespace affinity {
workload::AffinityIntent inherit();
workload::AffinityIntent exact(CpuSet cpus);
workload::AffinityIntent random_subset(size_t count);  // from the cgroup's CPUs
workload::AffinityIntent single_cpu();
workload::AffinityIntent llc_aligned();
workload::AffinityIntent cross_cgroup();
workload::AffinityIntent smt_sibling_pair();
}  // namespace affinity

namespace ops {
Op add_cgroup(const Cgroup& c);
Op remove_cgroup(std::string name);
Op set_cpuset(std::string name, const CpusetSpec& c);
Op clear_cpuset(std::string name);
Op swap_cpusets(std::string a, std::string b);
Op set_limits(std::string name, const Limits& l);
Op spawn(std::string cgroup, const std::vector<Work>& works);
Op stop(std::string cgroup);
Op set_affinity(std::string cgroup, const workload::AffinityIntent& a);
Op spawn_host(const std::vector<Work>& works);
Op move_all(std::string from, std::string to);
Op freeze(std::string cgroup);
Op unfreeze(std::string cgroup);
Op run_payload(std::string name, std::vector<std::string> argv, std::string cgroup = "");
Op wait_payload(std::string name, uint64_t timeout_ns = 10'000'000'000);
Op kill_payload(std::string name);
// Scheduler lifecycle (scenario/lifecycle.hpp): each waits up to
// `timeout_ns` for the kernel to confirm the change.
Op detach_scheduler(uint64_t timeout_ns = kLifecycleTimeoutNs);
Op attach_scheduler(uint64_t timeout_ns = kLifecycleTimeoutNs);
Op restart_scheduler(uint64_t timeout_ns = kLifecycleTimeoutNs);
// `scheduler`: a fixture name or path, "" = the same binary; `args`:
// nullopt = the same arguments. At least one must change something.
Op replace_scheduler(std::string scheduler,
                     std::optional<std::vector<std::string>> args = std::nullopt,
                     uint64_t timeout_ns = kLifecycleTimeoutNs);
}  // namespace ops

class ScenarioBuilder {
 public:
  explicit ScenarioBuilder(std::string name);
  ScenarioBuilder& description(std::string d);
  ScenarioBuilder& category(std::string c);
  ScenarioBuilder& duration(std::string_view text);  // "3s"
  ScenarioBuilder& duration_ns(uint64_t ns);
  ScenarioBuilder& topology(std::string_view spec);  // "1n2l4c1t"
  ScenarioBuilder& require(std::string_view requirement);
  ScenarioBuilder& cgroup(const Cgroup& c);
  ScenarioBuilder& step(std::vector<Op> ops, Hold hold = Hold::share(),
                        std::vector<Cgroup> cgroups = {});
  ScenarioBuilder& check(const std::string& name, double limit);
  ScenarioBuilder& check(const std::string& name, bool enabled);
  ScenarioBuilder& check(const std::string& name, int limit) {
    return check(name, static_cast<double>(limit));
  }
  ScenarioBuilder& default_set(bool on = true);
  ScenarioBuilder& source(std::string s);
  // The scenario, validated; the first builder error if any call failed.
  Result<Scenario> build() const;

 private:
  void remember(const Status& st);
  Scenario s_;
  std::optional<Error> error_;
};

// C++-registered scenarios (name order). Built lazily on first access.
using ScenarioFn = void (*)(ScenarioBuilder&);
struct RegisteredScenario {
  std::string name;
  std::string origin;  // "c++:<file>:<line>"
  ScenarioFn fn;
};
const std::vector<RegisteredScenario>& registered_scenarios();

struct ScenarioRegistrar {
  ScenarioRegistrar(const char* name, const char* file, int line, ScenarioFn fn);
};

}  // namespace ktstr::scenario

#define KTSTR_SCENARIO(ident)                                                   \
  static void ktstr_scenario_fn_##ident(::ktstr::scenario::ScenarioBuilder&);   \
  static const ::ktstr::scenario::ScenarioRegistrar ktstr_scenario_reg_##ident( \
      #ident, __FILE__, __LINE__, &ktstr_scenario_fn_##ident);                  \
  static void ktstr_scenario_fn_##ident([[maybe_unused]] ::ktstr::scenario::ScenarioBuilder& s)
