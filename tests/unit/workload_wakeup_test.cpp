// Waker-stamped wakeup samples: placement classification against a
// topology, the packed reservoir form, and the per-placement statistics.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "topology/topology.hpp"
#include "workload/summary.hpp"
#include "workload/telemetry.hpp"
#include "workload/wakeup.hpp"

namespace ktstr::workload {
namespace {

// 2 nodes x 2 LLCs x 2 cores x 1 thread: CPUs 0-1 LLC 0, 2-3 LLC 1 (node
// 0), 4-5 LLC 2, 6-7 LLC 3 (node 1), QEMU numbering.
PlacementMap two_node_map() {
  topo::TopologySpec spec;
  spec.nodes = 2;
  spec.llcs = 4;
  spec.cores_per_llc = 2;
  spec.threads_per_core = 1;
  return PlacementMap::from_topology(topo::Topology::synthetic(spec));
}

TEST(WakeupPlacement, ClassifiesByTopology) {
  const PlacementMap m = two_node_map();
  EXPECT_EQ(m.classify(3, 3), Placement::kSameCpu);
  EXPECT_EQ(m.classify(0, 1), Placement::kSameLlc);
  EXPECT_EQ(m.classify(1, 2), Placement::kSameNode);
  EXPECT_EQ(m.classify(0, 4), Placement::kCrossNode);
  EXPECT_EQ(m.classify(7, 3), Placement::kCrossNode);
  EXPECT_EQ(m.classify(-1, 3), Placement::kUnknown);
  EXPECT_EQ(m.classify(0, 8), Placement::kUnknown) << "CPU 8 is not in the topology";
  EXPECT_EQ(m.classify(0, CPU_SETSIZE), Placement::kUnknown);
}

TEST(WakeupPlacement, WithoutATopologyOnlySameCpuClassifies) {
  const PlacementMap m;
  EXPECT_EQ(m.classify(5, 5), Placement::kSameCpu);
  EXPECT_EQ(m.classify(5, 6), Placement::kUnknown);
}

TEST(WakeupPlacement, PackedFormRoundTrips) {
  for (const WakeupSample& s : {WakeupSample{0, 0, 0, Placement::kSameCpu},
                                WakeupSample{123456, 4094, 7, Placement::kSameLlc},
                                WakeupSample{(1ULL << 37) - 1, -1, -1, Placement::kUnknown},
                                WakeupSample{42, 1023, 0, Placement::kCrossNode}}) {
    EXPECT_EQ(unpack_wakeup(pack_wakeup(s.latency_ns, s.waker_cpu, s.wakee_cpu, s.placement)), s);
  }
  // Out-of-range values clamp instead of spilling into the next field.
  const WakeupSample big = unpack_wakeup(pack_wakeup(~0ULL, 5000, 3, Placement::kSameNode));
  EXPECT_EQ(big.latency_ns, (1ULL << 37) - 1);
  EXPECT_EQ(big.waker_cpu, -1);
  EXPECT_EQ(big.wakee_cpu, 3);
  EXPECT_EQ(big.placement, Placement::kSameNode);
}

TEST(WakeupPlacement, TelemetryAttributesEveryWakeup) {
  Telemetry tel;
  tel.begin();
  for (uint64_t i = 1; i <= 300; ++i) tel.record_wakeup(i * 1000, 0, 0);  // same CPU
  WorkerReport r;
  copy_arrays(tel.finish(r), r);
  EXPECT_EQ(r.wakeup_sample_total, 300u);
  ASSERT_EQ(r.wakeup_placement_totals.size(), kPlacements);
  EXPECT_EQ(r.wakeup_placement_totals[0], 300u);
  ASSERT_EQ(r.wakeup_latencies.size(), 300u);
  EXPECT_EQ(r.wakeup_latencies[9], (WakeupSample{10000, 0, 0, Placement::kSameCpu}));
}

TEST(WakeupPlacement, BreakdownCountsAndPercentiles) {
  WorkerReport a, b;
  for (uint64_t i = 1; i <= 100; ++i) {
    a.wakeup_latencies.push_back({i * 1000, 0, 0, Placement::kSameCpu});
    b.wakeup_latencies.push_back({i * 10000, 0, 4, Placement::kCrossNode});
  }
  a.wakeup_sample_total = 100;
  a.wakeup_placement_totals = {100, 0, 0, 0, 0};
  // b kept 100 of 250 cross-node wakeups: counts are the true totals.
  b.wakeup_sample_total = 250;
  b.wakeup_placement_totals = {0, 0, 0, 250, 0};
  const WakeupBreakdown w = wakeup_breakdown(std::vector<WorkerReport>{a, b});
  EXPECT_EQ(w.all.count, 350u);
  const auto& same = w.by_placement[static_cast<size_t>(Placement::kSameCpu)];
  const auto& cross = w.by_placement[static_cast<size_t>(Placement::kCrossNode)];
  EXPECT_EQ(same.count, 100u);
  EXPECT_EQ(same.p50_ns, 50000u);
  EXPECT_EQ(same.p90_ns, 90000u);
  EXPECT_EQ(same.p99_ns, 99000u);
  EXPECT_EQ(cross.count, 250u);
  EXPECT_EQ(cross.p50_ns, 500000u);
  EXPECT_EQ(w.by_placement[static_cast<size_t>(Placement::kSameLlc)].count, 0u);
  EXPECT_EQ(w.all.p50_ns, 91000u);  // rank 100 of the 200 pooled samples

  const nlohmann::json j = w;
  EXPECT_FALSE(j["by_placement"].contains("same_llc")) << "empty placements are left out";
  EXPECT_EQ(j["by_placement"]["cross_node"]["count"], 250);
  EXPECT_EQ(j.get<WakeupBreakdown>(), w);
}

}  // namespace
}  // namespace ktstr::workload
