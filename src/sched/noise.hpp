// Host noise over a scenario or a run (docs/results.md "noise",
// docs/scenarios.md "Noise and inconclusive verdicts"): how much of the
// machine something other than the run took while it ran. Two snapshots of
// kernel counters (start, end) give the deltas:
//  - CPU pressure (/proc/pressure/cpu `some`/`full` totals): share of the
//    wall time some (all) runnable tasks waited for a CPU. It includes the
//    run's own contention (more workers than CPUs), so it is evidence, not a
//    bound by itself;
//  - steal (/proc/stat): time a hypervisor ran something else on our vCPUs;
//  - outside load: CPU time used on the run's CPUs by tasks outside the
//    harness's process tree (busy time from /proc/stat minus getrusage of
//    the harness itself and its reaped children: workers, payloads and what
//    they forked), in CPUs' worth. This works the same on cgroup v1, v2 and
//    with no cgroup at all (host-placed workers), and needs no cpuacct;
//  - the harness control thread's run delay (its schedstat);
//  - in VM mode, set by the host: the dilation of QEMU's vCPU threads.
// Parsers are pure (tested from strings); the sampler reads a procfs root.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "sys/procfs.hpp"
#include "util/cpu_list.hpp"
#include "util/result.hpp"

namespace ktstr::sched {

// /proc/pressure/cpu: cumulative stall times in microseconds. `full` is
// missing on kernels before 5.13.
struct PsiTotals {
  uint64_t some_us = 0;
  std::optional<uint64_t> full_us;
};
Result<PsiTotals> parse_psi(std::string_view text);

// One `cpuN` line of /proc/stat, in USER_HZ ticks. busy = user + nice +
// system + irq + softirq (guest time is already inside user/nice); idle =
// idle + iowait; steal on its own.
struct CpuTicks {
  uint64_t busy = 0;
  uint64_t idle = 0;
  uint64_t steal = 0;
};
// cpu number -> ticks; the aggregate `cpu` line is not kept.
using ProcStat = std::map<int, CpuTicks>;
Result<ProcStat> parse_proc_stat(std::string_view text);

// /proc/<pid>/task/<tid>/schedstat (sys/procfs.hpp): on-CPU time, run delay
// (waiting on a runqueue), timeslices.
using SchedStat = sys::Schedstat;

// The counters at one instant; a counter the system lacks stays empty.
struct NoiseSnapshot {
  uint64_t mono_ns = 0;
  std::optional<PsiTotals> psi;
  std::string psi_missing;  // why psi is empty
  std::optional<ProcStat> stat;
  std::optional<SchedStat> harness;  // the snapshotting thread
  uint64_t own_cpu_ns = 0;           // getrusage SELF + CHILDREN (user + system)
  long ticks_per_s = 100;            // sysconf(_SC_CLK_TCK)
};

// Reads the counters now. The harness schedstat is the calling thread's:
// take both snapshots of a pair on the same thread.
NoiseSnapshot take_noise_snapshot(const std::string& procfs = "/proc");

// Noise over an interval. Every measure is nullopt when its source is
// missing (the *_note fields say why).
struct NoiseReport {
  double wall_ms = 0;
  std::optional<double> psi_some_pct;  // Δ some total / wall
  std::optional<double> psi_full_pct;
  std::string psi_note;                     // "" or why PSI is null
  std::optional<double> steal_pct;          // Δ steal / Δ all ticks of the measured CPUs
  std::optional<double> outside_load_cpus;  // outside busy CPU time / wall
  size_t cpus = 0;                          // CPUs measured (the run's CPUs)
  std::optional<double> harness_run_delay_ms;
  // VM mode, host side: 1 + Σ run delay / Σ on-CPU time of QEMU's vCPU threads.
  std::optional<double> vcpu_dilation;
  std::string level = "unknown";  // "low" | "high" | "unknown" (nothing measured)
  std::string why;                // the measures over their bound, e.g. "steal 12%"
};

// `cpus` empty = every CPU in the snapshots. Classifies the result.
NoiseReport noise_between(const NoiseSnapshot& start, const NoiseSnapshot& end, const CpuSet& cpus);

// The bounds above which noise is "high" (docs/scenarios.md "Noise and
// inconclusive verdicts" has the reasoning and the measurements). Outside
// load is high above max(outside_load_min_cpus, outside_load_fraction x
// cpus): 0.15 CPU concentrated on one CPU can move one worker's off-CPU
// share by the default 15-point spread limit; on many CPUs the same load is
// spread thinner. A measure at or below every bound is low.
struct NoiseBounds {
  double outside_load_min_cpus = 0.15;
  double outside_load_fraction = 0.10;
  double steal_pct = 5;
  double vcpu_dilation = 1.5;
};
// The outside-load bound for `cpus` measured CPUs, in CPUs.
double outside_load_bound(size_t cpus);
inline constexpr NoiseBounds kNoiseBounds{};

// Sets level and why from the measures and kNoiseBounds.
void classify_noise(NoiseReport& n);
// "PSI some 23%, steal 0%, outside load 0.41 CPU" (the measures present).
std::string describe_noise(const NoiseReport& n);
// The measures over their bound, plus PSI when present: what a check that
// became inconclusive cites ("outside load 0.90 CPU > 0.20 (2 CPUs), PSI some 41%").
std::string noise_evidence(const NoiseReport& n);
// "high — <noise_evidence>", "low (<describe_noise>)" or "unknown (...)".
std::string noise_summary(const NoiseReport& n);

// VM mode: schedstat of every vCPU thread of a QEMU process (threads named
// "CPU <n>/KVM"), tid -> counters; empty when the process is gone.
std::map<pid_t, SchedStat> read_vcpu_schedstats(pid_t qemu, const std::string& procfs = "/proc");
// 1 + Σ Δrun delay / Σ Δon-CPU over threads in both maps; nullopt when the
// vCPUs did not run.
std::optional<double> vcpu_dilation(const std::map<pid_t, SchedStat>& start,
                                    const std::map<pid_t, SchedStat>& end);

void to_json(nlohmann::json& j, const NoiseReport& n);
void from_json(const nlohmann::json& j, NoiseReport& n);

}  // namespace ktstr::sched
