// Floors for ktstr-bench: the same work done with bare syscalls and no
// harness, measured in the same run so ratios are machine-independent.
#pragma once

#include <cstdint>
#include <vector>

namespace ktstr::bench {

// Two forked processes pinned to cpu_a/cpu_b hand a shared futex word back
// and forth for `duration_ns`; returns the blocked-wait durations of both.
std::vector<uint64_t> bare_futex_ping_pong(int cpu_a, int cpu_b, uint64_t duration_ns);

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
