// The CPU topology of a machine (host or guest) and the queries scenarios
// use to place cgroups and workers on it.
//
// Built either from sysfs (Topology::from_sysfs, the machine as the kernel
// sees it) or from a TopologySpec (Topology::synthetic, what a VM with that
// spec looks like), so the scenario engine plans the same way in both
// modes. Only online CPUs exist here. Indices:
//   - CPU ids are the kernel's CPU numbers.
//   - LLC indices are 0..num_llcs()-1, ordered by each LLC's lowest CPU.
//   - Node ids are the kernel's NUMA node ids (normally 0..N-1).
// A Topology is immutable and cheap to copy; it holds no OS resources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "topology/spec.hpp"
#include "util/cpu_list.hpp"
#include "util/result.hpp"

namespace ktstr::topo {

struct CpuInfo {
  int id = 0;
  int core_id = 0;     // topology/core_id: unique only within a package
  int package_id = 0;  // topology/physical_package_id
  int llc = 0;         // index into Topology::llcs()
  int node = 0;        // NUMA node id
  CpuSet siblings;     // online SMT siblings, including this CPU
};

struct Llc {
  int index = 0;
  CpuSet cpus;
  int node = 0;  // node of the LLC's lowest CPU
};

struct NumaNode {
  int id = 0;
  CpuSet cpus;                 // online CPUs; empty for memory-only nodes
  uint64_t memory_bytes = 0;   // MemTotal; 0 when unknown
  std::vector<int> distances;  // distances[k] = distance to nodes()[k];
                               // empty when sysfs has no distance file
};

class Topology {
 public:
  // Reads <sysfs_root>/devices/system/{cpu,node}. Needs cpu/online; per CPU
  // uses topology/{core_id,physical_package_id,thread_siblings_list} and
  // the level-3 entry of cache/index*/ (shared_cpu_list) for the LLC,
  // falling back to "all CPUs of the package" without an L3. Without a
  // node directory (CONFIG_NUMA=n) everything is node 0 with unknown
  // memory. Errors (kEnvironment) name the file that is missing or bad.
  static Result<Topology> from_sysfs(const std::string& sysfs_root = "/sys");

  // The topology a QEMU guest started from `spec` reports, numbered like
  // QEMU: node-major, then LLC, then core, then thread, so SMT siblings are
  // adjacent. Packages are nodes (QEMU sockets), core ids count within the
  // package, distances are 10 local / 20 remote. `spec` must be valid.
  static Topology synthetic(const TopologySpec& spec, uint64_t memory_bytes_per_node = 0);

  // Whether this (guest) topology is what `spec` asked for: CPU count, LLC
  // count, count of nodes with CPUs, threads per core, and CPUs in every
  // LLC. On a mismatch, *why (if given) says what was expected and seen.
  bool matches(const TopologySpec& spec, std::string* why = nullptr) const;

  // The spec describing this topology when it is regular (every node has
  // the same number of LLCs, every LLC the same number of cores, every
  // core the same number of threads, no memory-only nodes); nullopt
  // otherwise. The result may exceed TopologySpec::kMaxCpus.
  std::optional<TopologySpec> regular_spec() const;

  const std::vector<CpuInfo>& cpus() const { return cpus_; }
  const std::vector<Llc>& llcs() const { return llcs_; }
  const std::vector<NumaNode>& nodes() const { return nodes_; }

  int num_cpus() const { return static_cast<int>(cpus_.size()); }
  int num_llcs() const { return static_cast<int>(llcs_.size()); }
  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  // Largest SMT sibling group (1 = no SMT).
  int threads_per_core() const;

  const CpuSet& all_cpus() const { return all_; }
  // all_cpus() minus the highest CPU when there are more than 2: that CPU
  // stays free for the harness and the system.
  CpuSet usable_cpus() const;

  // Lookups of user-supplied indices fail with kInvalidInput naming the
  // valid range.
  Result<CpuSet> llc_cpus(int index) const;
  Result<CpuSet> node_cpus(int node_id) const;
  Result<CpuSet> smt_siblings(int cpu) const;
  Result<int> llc_of(int cpu) const;
  Result<int> node_of(int cpu) const;
  // The first two threads of every core with SMT, ordered by CPU; empty
  // without SMT.
  std::vector<std::pair<int, int>> smt_pairs() const;

  // CpusetSpec resolution over usable_cpus() (see cpuset_math.hpp for the
  // exact rounding). llc_aligned/numa_aligned split whole LLCs/nodes among
  // `of` parts, so a part never shares an LLC/node with another part.
  Result<CpuSet> disjoint(int index, int of) const;
  Result<CpuSet> overlap(int index, int of, double frac) const;
  Result<CpuSet> range(double start_frac, double end_frac) const;
  Result<CpuSet> llc_aligned(int index, int of) const;
  Result<CpuSet> numa_aligned(int index, int of) const;

  // `cpus` cut along LLC / node boundaries (non-empty pieces in LLC / node
  // order); used for LLC-aligned worker affinity inside a cgroup's cpuset.
  std::vector<CpuSet> split_by_llc(const CpuSet& cpus) const;
  std::vector<CpuSet> split_by_node(const CpuSet& cpus) const;

 private:
  Topology() = default;  // only the factories build one

  // What a source knows about one CPU before LLCs are numbered. An empty
  // l3 means "no L3 seen": the LLC is then the CPU's package.
  struct RawCpu {
    int id = 0;
    int core_id = 0;
    int package_id = 0;
    int node = 0;
    CpuSet siblings;
    CpuSet l3;
  };
  friend class SysfsReader;

  // Numbers the LLCs and fills the per-CPU and per-LLC views. Every node id
  // in `raw` must exist in `nodes`.
  static Topology assemble(std::vector<RawCpu> raw, std::vector<NumaNode> nodes);

  std::vector<CpuInfo> cpus_;  // sorted by id
  std::vector<Llc> llcs_;
  std::vector<NumaNode> nodes_;  // sorted by id
  CpuSet all_;
};

// `ktstr topo`: the host's topology under `sysfs_root` when `spec` is
// empty, else the one the NnLlCcTt spec describes.
Result<Topology> host_or_synthetic(const std::string& spec, const std::string& sysfs_root);

}  // namespace ktstr::topo
