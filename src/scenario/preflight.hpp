// The whole validation of a selection before anything is created, against
// the machine the run will use (the host, or a VM's declared topology):
// every work group against its work type and parameters, CPU lists and
// cpusets against the CPUs and LLCs that exist, memory policies and
// numa_node against the NUMA nodes that exist. Unlike the loader it does not
// stop at the first problem: `ktstr run --dry-run` lists them all, and a
// real run refuses (exit 2) before its first cgroup.
//
// A scenario that will skip on this machine for a topology requirement
// (multi-LLC, NUMA, SMT, min_cpus) is not checked against the topology: it
// never runs here. Work types this build lacks are the engine's to report.
#pragma once

#include <string>
#include <vector>

#include "scenario/model.hpp"
#include "scenario/run_flags.hpp"
#include "topology/topology.hpp"
#include "util/result.hpp"
#include "workload/spec.hpp"

namespace ktstr::scenario {

// The CPUs and nodes of `t`; `where` words it in messages ("this machine",
// "the VM (1n2l4c1t)").
workload::MachineShape machine_shape(const topo::Topology& t, std::string where);
// This host's, from sysfs ("this machine").
Result<workload::MachineShape> host_machine_shape();

// Every problem of `s` on `t`, each kInvalidInput with "<source>:<line>" as
// context; empty when it is fine.
std::vector<Error> preflight_problems(const Scenario& s, const topo::Topology& t,
                                      const std::string& where);

// All problems of all scenarios as one kInvalidInput error ("N problems:"
// and one line each), or success.
Status preflight(const std::vector<Scenario>& selected, const topo::Topology& t,
                 const std::string& where);
// preflight() against this host's sysfs topology.
Status preflight_on_host(const std::vector<Scenario>& selected);
// The VM topology the flags ask for, as a Topology.
Result<topo::Topology> vm_topology(const std::string& spec);
// preflight() of the run's selection against the VM topology `spec`.
Status preflight_for_vm(const RunFlags& f, const std::string& spec);

// `ktstr run --dry-run`: the selection plus every problem found (each target
// loaded on its own, so one bad file does not hide another's problems), and
// per scenario why it would skip here ("" when it would run).
struct DryRun {
  std::vector<Scenario> selected;
  std::vector<std::string> skip_reasons;  // parallel to `selected`
  std::vector<Error> problems;
};
// `vm_topology_spec` empty: the host (its topology, payload programs on
// PATH); else the VM's declared topology.
DryRun dry_run(const RunFlags& f, const std::string& vm_topology_spec);

}  // namespace ktstr::scenario
