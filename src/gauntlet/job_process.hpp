// One gauntlet job as a child process: `ktstr run TARGET --vm --topology
// PRESET --scheduler S --kernel K [--duration D] --json DIR/result.json`,
// stdout and stderr to files in the job's own temp dir (removed with it).
// A child is its own process group: the gauntlet decides when to stop it
// (signal_group SIGTERM lets its VM runner kill QEMU and clean up), and
// PR_SET_PDEATHSIG kills it when the gauntlet dies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gauntlet/jobs.hpp"
#include "gauntlet/run.hpp"
#include "sys/subprocess.hpp"
#include "vm/cache.hpp"

namespace ktstr::gauntlet {

struct JobChild {
  size_t job = 0;  // index into plan.matrix.jobs
  int cpu_cost = 1;
  uint64_t start_ns = 0;
  vm::TempDir dir;
  sys::Subprocess proc;
};

// The child's argv (argv[0] = `ktstr`, the binary to run).
std::vector<std::string> job_argv(const std::string& ktstr, const Job& j,
                                  const std::string& duration, const std::string& json_path);

// Starts job `index` of `j`; errors are the gauntlet's environment's
// (no temp dir, cannot fork), not the job's.
Result<JobChild> start_job(const std::string& ktstr, size_t index, const Job& j,
                           const std::string& duration);

// The outcome of a child that exited with `st` after `wall_ms`: its exit
// code (as `ktstr run --vm` exits), its run document and boot time, and
// why it did not pass. `stopping`: the gauntlet signalled it.
JobOutcome collect_job(JobChild& c, const sys::ExitStatus& st, double wall_ms, bool stopping);

// Why a run document did not pass: each scenario that did not pass with its
// reason ("steady: fail: ..."), else the VM's failure; empty when nothing
// says.
std::string reason_from_document(const nlohmann::json& doc);

}  // namespace ktstr::gauntlet
