// The workload configuration model (workload.md "Configuration model").
//
// Plain data. `WorkloadConfig` describes group 0 in its top-level fields and
// groups 1..N in `composed`. Nothing here touches the OS; every field rule
// is in spec.hpp (validate_work_spec), applied before any resource is taken.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/cpu_list.hpp"
#include "util/result.hpp"

namespace ktstr::workload {

enum class CloneMode { kFork, kThread };

struct SchedPolicy {
  enum class Kind { kNormal, kBatch, kIdle, kFifo, kRoundRobin, kDeadline };
  Kind kind = Kind::kNormal;
  int priority = 0;                                         // Fifo / RoundRobin: 1..99
  uint64_t runtime_ns = 0, deadline_ns = 0, period_ns = 0;  // Deadline

  bool is_realtime() const { return kind == Kind::kFifo || kind == Kind::kRoundRobin; }
  bool needs_cap_sys_nice() const { return is_realtime() || kind == Kind::kDeadline; }
};

struct MemPolicy {
  enum class Kind {
    kDefault,
    kBind,
    kPreferred,
    kInterleave,
    kLocal,
    kPreferredMany,
    kWeightedInterleave
  };
  Kind kind = Kind::kDefault;
  std::set<int> nodes;  // Preferred: exactly one node
};

// MPOL_F_* mode flags for set_mempolicy.
enum MpolFlags : uint32_t {
  kMpolNone = 0,
  kMpolStaticNodes = 1U << 15,
  kMpolRelativeNodes = 1U << 14,
  kMpolNumaBalancing = 1U << 13,
};

// Where a worker may run. Only kInherit, kExact and kRandomSubset resolve
// without topology; the scenario engine turns the others into kExact first.
struct AffinityIntent {
  enum class Kind {
    kInherit,
    kExact,
    kRandomSubset,
    kSingleCpu,
    kLlcAligned,
    kCrossCgroup,
    kSmtSiblingPair
  };
  Kind kind = Kind::kInherit;
  CpuSet cpus;       // kExact
  CpuSet from;       // kRandomSubset: the pool
  size_t count = 0;  // kRandomSubset: how many CPUs per worker
};

// A work type by registry name plus `key=value` parameter overrides.
struct WorkTypeRef {
  std::string name = "spin_wait";
  std::map<std::string, std::string> params;
};

// One group of workers (composed groups and scenario cgroup work entries).
struct WorkSpec {
  WorkTypeRef work;
  std::optional<size_t> num_workers;  // absent: filled by the scenario engine
  SchedPolicy sched_policy;
  AffinityIntent affinity;
  MemPolicy mem_policy;
  uint32_t mpol_flags = kMpolNone;
  std::optional<int> nice;  // absent: setpriority is not called
  std::string comm;         // PR_SET_NAME; kernel keeps 15 bytes
  std::optional<uint32_t> uid, gid;
  std::optional<int> numa_node;  // affinity to that node's CPUs
  std::string pcomm;             // thread-group leader name (container)
};

struct WorkloadConfig {
  size_t num_workers = 1;
  WorkTypeRef work;
  SchedPolicy sched_policy;
  AffinityIntent affinity;
  MemPolicy mem_policy;
  uint32_t mpol_flags = kMpolNone;
  std::optional<int> nice;
  std::string comm;
  std::optional<uint32_t> uid, gid;
  std::optional<int> numa_node;
  CloneMode clone_mode = CloneMode::kFork;
  std::vector<WorkSpec> composed;
  // Context a custom or cgroup-aware worker may use; empty = none.
  std::string cgroup_dir;
  std::string cgroup_root;  // the run's cgroup tree (SpawnOptions::cgroup_root)
};

// Text forms used by the CLI and scenario files.
Result<SchedPolicy> parse_sched_policy(
    std::string_view text);  // "fifo:50", "deadline:1ms:10ms:10ms"
std::string to_string(const SchedPolicy& p);
Result<CloneMode> parse_clone_mode(std::string_view text);
std::string to_string(CloneMode m);
Result<MemPolicy> parse_mem_policy(std::string_view text);  // "bind:0-1", "preferred:0", "local"
std::string to_string(const MemPolicy& p);

// Group 0 and the composed groups of a config, in group order.
std::vector<WorkSpec> groups_of(const WorkloadConfig& c);

}  // namespace ktstr::workload
