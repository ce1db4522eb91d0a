// Floors for ktstr-bench: the same work done with bare syscalls and no
// harness, measured in the same run so ratios are machine-independent.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ktstr::bench {

// Two forked processes pinned to cpu_a/cpu_b hand a shared futex word back
// and forth for `duration_ns`. Both sides' samples: the blocked-wait
// durations, and the waker-stamped wakeup latencies (the waker's
// CLOCK_MONOTONIC stamp before FUTEX_WAKE to the wakee's clock after a
// FUTEX_WAIT that slept and was woken), the measure ktstr's futex_ping_pong
// reports as wakeup_latency.
struct FutexFloor {
  std::vector<uint64_t> blocked;
  std::vector<uint64_t> wakeup;
};
FutexFloor bare_futex_ping_pong(int cpu_a, int cpu_b, uint64_t duration_ns);

// `perf bench sched pipe -l loops` under `taskset -c cpus`: usecs per
// round trip (two pipe wakeups), or nullopt when perf is not installed or
// its output has no "usecs/op" line.
std::optional<double> perf_sched_pipe_us_per_op(const char* cpus, int loops);

// fork + pipe + child writes one byte + waitpid, `n` children; ns per child.
double bare_spawn_collect_ns_per_child(int n);

// The handshake workload.md prescribes, in plain C and nothing else: each
// child sets its parent-death signal and process group, installs a SIGUSR1
// handler, waits for its start byte, writes a ready byte, waits for SIGUSR1,
// writes a small length-prefixed report and exits; the parent releases all,
// reads every ready byte, signals all, reads every report, SIGKILLs each
// group and reaps. ns per child: what the protocol itself costs, without
// telemetry or a work type (a reference point, not a target).
double handshake_spawn_collect_ns_per_child(int n);

// The spin_wait inner loop without telemetry, on `cpu`, for duration_ns;
// returns iterations (units) per second.
double bare_spin_units_per_sec(int cpu, uint64_t duration_ns);

}  // namespace ktstr::bench
