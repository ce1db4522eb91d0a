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

// The spin_wait inner loop without telemetry, on `cpu`, for duration_ns;
// returns iterations (units) per second.
double bare_spin_units_per_sec(int cpu, uint64_t duration_ns);

}  // namespace ktstr::bench
