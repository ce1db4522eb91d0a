// Packing gauntlet VMs onto this host's CPUs (docs/gauntlet.md "--jobs").
// A VM under TCG (thread=single) keeps one host CPU busy whatever its vCPU
// count; under KVM it can keep each of its vCPUs busy. A job starts only
// when the running jobs plus it stay within --jobs and within the host's
// CPUs; a job that alone needs more CPUs than the host has starts only
// when nothing else runs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::gauntlet {

struct PackLimits {
  size_t max_jobs = 1;  // --jobs; 0: as many as fit on the CPUs (--jobs auto)
  int host_cpus = 1;    // CPUs this process may run on
};

// "N" (1..4096) or "auto" (0). kInvalidInput naming --jobs otherwise.
Result<size_t> parse_jobs_flag(const std::string& text);

// Host CPUs one VM of `vcpus` keeps busy: 1 under TCG, else its vCPUs,
// never more than the host has.
int vm_cpu_cost(int vcpus, bool kvm, int host_cpus);

// Which of `pending` (costs, in job order) start now beside `running_jobs`
// costing `running_cpus`: first fit in job order, so a large job waiting
// for CPUs does not hold back the smaller ones after it. Indices into
// `pending`, ascending.
std::vector<size_t> jobs_to_start(const std::vector<int>& pending, size_t running_jobs,
                                  int running_cpus, const PackLimits& limits);

// How many jobs of these costs can run at once at most (for the ETA).
size_t max_parallel_jobs(const std::vector<int>& costs, const PackLimits& limits);

// CPUs in this process's affinity mask (at least 1).
int host_cpu_count();

}  // namespace ktstr::gauntlet
