// The one validation of a work group. A `work` entry of a scenario file, the
// flags of `ktstr workload`, a C++ `Work` builder and a WorkloadConfig group
// all become a WorkSpec, and every rule about a WorkSpec field lives in
// spec.cpp, with one wording: work type and parameters, worker counts, clone
// mode and pcomm restrictions, affinity intents, scheduling and memory
// policies, nice. New field rules (ranges of uid/gid, priorities, sizes,
// NUMA nodes, CPU indices) go there too; parsers only turn text into values.
//
// Errors are kInvalidInput; the message names the field as the input spells
// it (SpecSource) and says the fix, the context is SpecContext::label.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "workload/config.hpp"
#include "workload/params.hpp"
#include "workload/work_type.hpp"

namespace ktstr::workload {

enum class SpawnKind { kDirect, kPcomm };

// Where a spec came from: decides how a field is spelled in messages.
// Builders use the scenario-file key names (their methods are named alike).
enum class SpecSource { kScenario, kCli, kApi };

enum class SpecField {
  kType,
  kWorkers,
  kParams,
  kPolicy,
  kNice,
  kAffinity,
  kMemPolicy,
  kCloneMode,
  kUid,
  kGid,
  kNumaNode
};

// "workers" (scenario key), "--workers" (flag) or "num_workers" (C++ field).
std::string field_name(SpecField f, SpecSource source);

// The CPUs and NUMA nodes that exist where the spec will run: the host, or
// the guest of a VM run (its declared topology). CPU lists, memory-policy
// nodes and numa_node must name only these.
struct MachineShape {
  CpuSet cpus;
  std::set<int> nodes;
  std::string where = "this machine";  // "the VM (1n2l4c1t)" in messages
};

// What the caller knows where it validates.
struct SpecContext {
  SpecSource source = SpecSource::kApi;
  CloneMode clone_mode = CloneMode::kFork;
  SpawnKind spawn_kind = SpawnKind::kDirect;
  // With a topology (the scenario engine) every affinity intent resolves;
  // without one only inherit, exact and random_subset over `from` do.
  bool topology_known = false;
  // False when the count is filled in later (a scenario derives it from
  // the cgroup's CPUs); set_worker_count applies the count rules then.
  bool count_required = true;
  std::string label;  // error context, e.g. "group 0 (spin_wait)"
  // When set, CPUs and nodes are checked against it (not owned).
  const MachineShape* machine = nullptr;

  // A scenario cgroup's work entries: pcomm groups are threads of one
  // container, others forked processes; counts come later from the cpuset.
  static SpecContext for_scenario(bool pcomm, std::string label);
};

// A spec that passed every rule: its type definition (looked up once), its
// parsed parameters and the size of one cooperating unit.
struct ValidSpec {
  WorkSpec spec;
  const WorkTypeDef* def = nullptr;
  ParamValues params;
  size_t unit_size = 1;
};

// The most workers one group may have.
inline constexpr size_t kMaxWorkersPerGroup = 4096;
// The largest NUMA node id: Linux's MAX_NUMNODES is at most 1024.
inline constexpr int kMaxNumaNodeId = 1023;
// uid/gid 4294967295 is (uid_t)-1, "leave unchanged" to setresuid.
inline constexpr int64_t kMaxId = 4294967294;

// The inclusive bounds of an integer field (workers, nice, uid, gid,
// numa_node), checked on the value as written, before it is narrowed to
// the field's C++ type: a uid of 4294967296 is refused, never wrapped to 0.
struct IntRange {
  int64_t min = 0;
  int64_t max = 0;
};
IntRange field_range(SpecField f, SpecSource source);
// "uid must be in 0..4294967294, got 4294967296".
Status check_field_value(SpecField f, int64_t value, SpecSource source);

// The rules that need no work-type definition. A scenario checks these when
// it is loaded (it may name types this build lacks: the run skips those).
// On failure `failed` (when given) names the field, so a file can point at
// that key's line.
Status check_spec_fields(const WorkSpec& spec, const SpecContext& ctx, SpecField* failed = nullptr);

// Every rule: check_spec_fields, then the work type, its parameters, the
// count against the type's unit size and the clone mode / pcomm limits.
Result<ValidSpec> validate_work_spec(const WorkSpec& spec, const SpecContext& ctx);

// Sets the worker count of a validated spec, checking it as validate_work_spec
// would (range, multiple of the unit size).
Status set_worker_count(ValidSpec& v, size_t workers, const SpecContext& ctx);

// Single-field rules, shared with the text parsers (config.cpp) and the
// scenario resolver, so a value is refused with the same words whether it
// was typed or built. `text` is the value as written ("fifo:0").
Status check_sched_policy(const SchedPolicy& p, std::string_view text);
Status check_mem_policy(const MemPolicy& p, std::string_view text);
Status check_affinity(const AffinityIntent& a, bool topology_known, SpecSource source);
// The wording of a bad policy: "policy 'fifo:0': <why>; valid: normal, ...".
Unexpected<Error> sched_policy_error(std::string_view text, std::string_view why);
Unexpected<Error> mem_policy_error(std::string_view text, std::string_view why);

}  // namespace ktstr::workload
