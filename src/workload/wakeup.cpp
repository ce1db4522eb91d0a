#include "workload/wakeup.hpp"

#include "topology/topology.hpp"
#include "util/clock.hpp"
#include "util/worker_path.hpp"
#include "workload/telemetry.hpp"

namespace ktstr::workload {
namespace {

constexpr int kLatencyBits = 37;
constexpr int kCpuBits = 12;
constexpr uint64_t kLatencyMask = (uint64_t{1} << kLatencyBits) - 1;
constexpr uint64_t kCpuMask = (uint64_t{1} << kCpuBits) - 1;  // all ones = unknown

uint64_t cpu_field(int cpu) {
  return cpu >= 0 && static_cast<uint64_t>(cpu) < kCpuMask ? static_cast<uint64_t>(cpu) : kCpuMask;
}
int cpu_value(uint64_t field) {
  return field == kCpuMask ? -1 : static_cast<int>(field);
}

}  // namespace

KTSTR_WORKER_PATH WakerStamp stamp_now() {
  WakerStamp s;
  s.cpu = current_cpu();
  s.ns = mono_ns();
  return s;
}

PlacementMap::PlacementMap() = default;

PlacementMap PlacementMap::from_topology(const topo::Topology& t) {
  PlacementMap m;
  for (const auto& c : t.cpus()) {
    if (c.id < 0 || c.id >= CPU_SETSIZE) continue;
    m.places_[static_cast<size_t>(c.id)] = {static_cast<int16_t>(c.llc),
                                            static_cast<int16_t>(c.node)};
  }
  return m;
}

KTSTR_WORKER_PATH Placement PlacementMap::classify(int waker_cpu, int wakee_cpu) const {
  if (waker_cpu < 0 || wakee_cpu < 0 || waker_cpu >= CPU_SETSIZE || wakee_cpu >= CPU_SETSIZE) {
    return Placement::kUnknown;
  }
  if (waker_cpu == wakee_cpu) return Placement::kSameCpu;
  const Place a = places_[static_cast<size_t>(waker_cpu)];
  const Place b = places_[static_cast<size_t>(wakee_cpu)];
  if (a.node < 0 || b.node < 0) return Placement::kUnknown;
  if (a.llc == b.llc) return Placement::kSameLlc;
  if (a.node == b.node) return Placement::kSameNode;
  return Placement::kCrossNode;
}

KTSTR_WORKER_PATH const PlacementMap& placement_map() {
  static const PlacementMap map = [] {
    auto t = topo::Topology::from_sysfs();
    return t ? PlacementMap::from_topology(*t) : PlacementMap();
  }();
  return map;
}

KTSTR_WORKER_PATH uint64_t pack_wakeup(uint64_t latency_ns, int waker_cpu, int wakee_cpu,
                                       Placement p) {
  const uint64_t lat = latency_ns > kLatencyMask ? kLatencyMask : latency_ns;
  return lat | cpu_field(waker_cpu) << kLatencyBits |
         cpu_field(wakee_cpu) << (kLatencyBits + kCpuBits) |
         static_cast<uint64_t>(p) << (kLatencyBits + 2 * kCpuBits);
}

KTSTR_WORKER_PATH WakeupSample unpack_wakeup(uint64_t packed) {
  WakeupSample s;
  s.latency_ns = packed & kLatencyMask;
  s.waker_cpu = cpu_value(packed >> kLatencyBits & kCpuMask);
  s.wakee_cpu = cpu_value(packed >> (kLatencyBits + kCpuBits) & kCpuMask);
  const auto p = packed >> (kLatencyBits + 2 * kCpuBits);
  s.placement = p < kPlacements ? static_cast<Placement>(p) : Placement::kUnknown;
  return s;
}

}  // namespace ktstr::workload
