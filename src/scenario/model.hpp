// The scenario model (scenarios.md "Scenario model"): plain data built by
// the TOML loader (toml_loader.hpp) or the C++ builders (builder.hpp), run
// by the engine (engine.hpp).
//
// A Scenario declares cgroups (each with an optional cpuset, work groups and
// limits) that exist from the start, then a list of steps; each step applies
// ops, creates the step's own cgroups and holds for a while. Every entity
// remembers the source line it came from (0 for C++ builders) so semantic
// errors can point at the file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check/payload_checks.hpp"
#include "check/relative.hpp"
#include "check/thresholds.hpp"
#include "topology/spec.hpp"
#include "util/cpu_list.hpp"
#include "workload/config.hpp"

namespace ktstr::scenario {

// Which CPUs a cgroup gets, relative to its parent's CPUs (or the machine's
// usable CPUs at the top level).
struct CpusetSpec {
  enum class Kind { kLlc, kNuma, kRange, kDisjoint, kOverlap, kExact };
  Kind kind = Kind::kDisjoint;
  int index = 0;                        // llc: LLC index; numa: node id; disjoint/overlap: part
  int of = 1;                           // disjoint/overlap: number of parts
  double start_frac = 0, end_frac = 1;  // range
  double frac = 0;                      // overlap: growth of each part
  CpuSet cpus;                          // exact

  static CpusetSpec llc(int i);
  static CpusetSpec numa(int node);
  static CpusetSpec range(double start_frac, double end_frac);
  static CpusetSpec disjoint(int index, int of);
  static CpusetSpec overlap(int index, int of, double frac);
  static CpusetSpec exact(CpuSet cpus);
  // "disjoint(0 of 2)", "llc(1)", "exact(0-3)".
  std::string describe() const;
};

// One work group of a cgroup: a WorkSpec plus how many workers.
// Exactly one of spec.num_workers and workers_pct may be set; neither means
// one worker per CPU of the cgroup's cpuset. The count is rounded up to the
// work type's group size.
struct WorkDef {
  workload::WorkSpec spec;
  std::optional<double> workers_pct;  // % of the cgroup's CPUs, > 0
  int line = 0;
  // Line of each key of the entry (files only), so a field error points at it.
  std::map<std::string, int> key_lines;
};

struct Limits {
  std::optional<uint32_t> cpu_weight;  // 1..10000
  std::optional<uint64_t> cpu_max_quota_us;
  uint64_t cpu_max_period_us = 100000;
  std::optional<uint64_t> memory_max_bytes;
  std::optional<uint64_t> pids_max;
  bool empty() const { return !cpu_weight && !cpu_max_quota_us && !memory_max_bytes && !pids_max; }
};

struct CgroupDef {
  std::string name;  // path inside the run tree: "cg_0", "a/b"
  std::optional<CpusetSpec> cpuset;
  std::vector<WorkDef> works;
  Limits limits;
  int line = 0;
};

// How long a step lasts. kShare: an equal share of the time the fixed and
// fraction holds leave over. With loop_interval_ns, the step's ops are
// applied again every interval while it holds.
struct Hold {
  enum class Kind { kShare, kFraction, kFixed };
  Kind kind = Kind::kShare;
  double fraction = 0;  // of the scenario duration, (0, 1]
  uint64_t fixed_ns = 0;
  std::optional<uint64_t> loop_interval_ns;

  static Hold share() { return {}; }
  static Hold of(double fraction);
  static Hold fixed(uint64_t ns);
  Hold& loop(uint64_t interval_ns);
  std::string describe() const;
};

struct Op {
  enum class Kind {
    kAddCgroup,
    kRemoveCgroup,
    kSetCpuset,
    kClearCpuset,
    kSwapCpusets,
    kSetLimits,
    kSpawn,
    kStop,
    kSetAffinity,
    kSpawnHost,
    kMoveAll,
    kFreeze,
    kUnfreeze,
    kRunPayload,
    kWaitPayload,
    kKillPayload,
    kDetachScheduler,
    kAttachScheduler,
    kRestartScheduler,
    kReplaceScheduler,
  };
  Kind kind = Kind::kStop;
  std::string cgroup;                    // the target; swap: a; move_all: from
  std::string other;                     // swap: b; move_all: to
  std::optional<CgroupDef> def;          // add_cgroup
  std::optional<CpusetSpec> cpuset;      // set_cpuset
  Limits limits;                         // set_limits
  std::vector<WorkDef> works;            // spawn, spawn_host
  workload::AffinityIntent affinity;     // set_affinity
  std::string payload;                   // run/wait/kill_payload: its name
  std::vector<std::string> argv;         // run_payload
  workload::PayloadKind payload_kind{};  // run_payload (kGeneric)
  uint64_t timeout_ns = 10'000'000'000;  // wait_payload; lifecycle ops: kLifecycleTimeoutNs
  // replace_scheduler (scenario/lifecycle.hpp): the new binary (a fixture
  // name such as "scx_qmap" or a path; "" = the same binary) and/or its
  // arguments (nullopt = the same arguments).
  std::string scheduler;
  std::optional<std::vector<std::string>> sched_args;
  int line = 0;
};

// How long a scheduler lifecycle op waits for the kernel to confirm it by
// default: BPF verification and attach take seconds under TCG.
inline constexpr uint64_t kLifecycleTimeoutNs = 30'000'000'000;
// detach/attach/restart/replace_scheduler.
bool is_lifecycle_op(Op::Kind k);

// The TOML spelling of an op kind ("swap_cpusets") and back.
std::string op_name(Op::Kind k);
std::optional<Op::Kind> parse_op_name(std::string_view name);
std::vector<std::string> op_names();
std::string describe(const Op& op);  // one line for the timeline

struct Step {
  // The phase's name in per-phase stats and relative checks; "" = "step<N>".
  std::string name;
  std::vector<Op> ops;
  std::vector<CgroupDef> cgroups;  // created after the ops
  Hold hold;
  int line = 0;
};

// A capability a scenario needs; missing ones make it skip with a reason.
struct Requirement {
  enum class Kind {
    kRoot,
    kCgroups,  // a usable cgroup layout (root + v2 or the v1 fallback)
    kCpuset,
    kCpuController,
    kMemoryController,
    kPidsController,
    kFreezer,
    kCgroupV2,
    kMultiLlc,
    kNuma,
    kSmt,
    kCapSysNice,
    kRtCgroups,  // real-time tasks may join test cgroups (no RT group scheduling veto)
    kMinCpus,
    kBinary,
  };
  Kind kind = Kind::kRoot;
  int min_cpus = 0;    // kMinCpus
  std::string binary;  // kBinary: a program on PATH (payloads)
};

// "min_cpus:4", "binary:stress-ng", "cpuset", ...
Result<Requirement> parse_requirement(std::string_view text);
std::string to_string(const Requirement& r);
std::vector<std::string> requirement_names();

struct Scenario {
  std::string name;
  std::string description;
  std::string category = "custom";
  uint64_t duration_ns = 3'000'000'000;
  std::optional<topo::TopologySpec> topology;  // for --vm; informational on the host
  std::vector<Requirement> requirements;       // `requires` in files
  std::vector<CgroupDef> cgroups;
  std::vector<Step> steps;  // empty = one step holding the whole duration
  check::ThresholdLayer checks;
  // [checks] payload.NAME.METRIC = { min/max }
  std::vector<check::PayloadLimit> payload_checks;
  std::vector<check::RelativeCheck> relative_checks;  // `[[check]]` in files
  // Negative tests (docs/scenarios.md "Expected scheduler failures"): the
  // scenario passes only when the scheduler under test fails this way.
  std::optional<std::string> expect_scheduler_error;  // substring of its error text
  bool expect_stall = false;                          // the sched_ext watchdog's stall
  bool default_set = false;                           // part of `ktstr run` without arguments
  std::string source;  // file path, "builtin:<file>" or "c++:<file>:<line>"
};

// Semantic checks the loader cannot express per key: names are valid paths
// and unique, ops reference cgroups that exist at that point, holds fit in
// the duration; each work entry passes workload::check_spec_fields. Errors are kInvalidInput with
// "<source>:<line>" as context when the entity has a line.
Status validate(const Scenario& s);

// Any step applies a scheduler lifecycle op (the run needs sched_ext and a
// scheduler under test).
bool has_lifecycle_ops(const Scenario& s);

// Work types the scenario names that this build's registry lacks.
std::vector<std::string> missing_work_types(const Scenario& s);
// Every work type name the scenario uses, sorted and unique.
std::vector<std::string> work_types_used(const Scenario& s);

}  // namespace ktstr::scenario
