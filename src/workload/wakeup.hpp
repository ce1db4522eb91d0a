// Waker-stamped wakeup latency (docs/workload.md "Wakeup latency"): the
// waker writes a CLOCK_MONOTONIC stamp and its CPU into memory the wakee
// can read (shared memory or the message itself) right before its wake
// call; the wakee subtracts it right after its wait returns. Each sample is
// attributed to a placement: where the wakee ran relative to its waker.
#pragma once

#include <sched.h>

#include <array>
#include <cstdint>

#include "workload/report.hpp"

namespace ktstr::topo {
class Topology;
}

namespace ktstr::workload {

// What a waker publishes before its wake call. 16 bytes, trivially
// copyable: it lives in a unit's MAP_SHARED bytes or travels in a pipe.
struct WakerStamp {
  uint64_t ns = 0;  // CLOCK_MONOTONIC right before the wake call
  int32_t cpu = -1;
  uint32_t pad = 0;
};
static_assert(sizeof(WakerStamp) == 16);

// The stamp a waker about to wake writes: now and the CPU it runs on.
WakerStamp stamp_now();

// CPU -> (LLC, node) of the machine the workers run on, read from sysfs
// once (prime_placement_map() in the parent before forking; children and
// threads inherit it, so classifying never reads a file).
class PlacementMap {
 public:
  PlacementMap();  // every CPU unknown: only same-CPU pairs classify
  static PlacementMap from_topology(const topo::Topology& t);
  Placement classify(int waker_cpu, int wakee_cpu) const;

 private:
  struct Place {
    int16_t llc = -1;
    int16_t node = -1;
  };
  std::array<Place, CPU_SETSIZE> places_{};
};

// The host's map (sysfs; all-unknown if it cannot be read). Cached.
const PlacementMap& placement_map();
inline void prime_placement_map() {
  (void)placement_map();
}

// A sample as the telemetry reservoir keeps it: one 64-bit word (latency
// clamped to 2^37-1 ns ~ 137 s, CPUs 0..4094, -1 = unknown).
uint64_t pack_wakeup(uint64_t latency_ns, int waker_cpu, int wakee_cpu, Placement p);
WakeupSample unpack_wakeup(uint64_t packed);

}  // namespace ktstr::workload
