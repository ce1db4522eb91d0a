// Topology specs: the "NnLlCcTt" string that declares a VM's CPU topology.
//
// `1n2l4c2t` = 1 NUMA node, 2 LLCs in total, 4 cores per LLC, 2 threads per
// core = 16 CPUs. The VM layer turns a spec into QEMU -smp/-numa options and
// the guest init checks the guest's sysfs view against it
// (Topology::matches). Counts are totals for LLCs, per-LLC for cores and
// per-core for threads, so the CPU count is llcs * cores_per_llc *
// threads_per_core and nodes only partition the LLCs.
#pragma once

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr::topo {

struct TopologySpec {
  // Upper bounds that keep a typo ("1n2l400c2t") from asking QEMU for an
  // absurd VM. 512 vCPUs is well past what TCG on our hosts can boot; 8
  // threads per core covers every SMT width Linux supports (x86 has 2,
  // POWER up to 8) and QEMU's -smp accepts it.
  static constexpr int kMaxCpus = 512;
  static constexpr int kMaxThreadsPerCore = 8;

  int nodes = 1;             // NUMA nodes (>= 1)
  int llcs = 1;              // LLCs in total, a multiple of `nodes`
  int cores_per_llc = 1;     // cores sharing one LLC
  int threads_per_core = 1;  // SMT width, 1..kMaxThreadsPerCore

  // Parses "NnLlCcTt": four positive decimal numbers, each followed by its
  // letter, in exactly that order (letters case-insensitive, surrounding
  // whitespace ignored). The result is validated. Errors are kInvalidInput
  // and name the offending part and the expected form.
  static Result<TopologySpec> parse(std::string_view text);

  // Checks the invariants listed on the fields and the CPU limit; the
  // message says which value is wrong and how to fix it.
  Status validate() const;

  int total_cpus() const { return llcs * cores_per_llc * threads_per_core; }
  int llcs_per_node() const { return llcs / nodes; }
  int cpus_per_llc() const { return cores_per_llc * threads_per_core; }
  int cpus_per_node() const { return llcs_per_node() * cpus_per_llc(); }

  // Canonical "NnLlCcTt" form; parse(to_string()) round-trips.
  std::string to_string() const;

  bool operator==(const TopologySpec&) const = default;
};

}  // namespace ktstr::topo
