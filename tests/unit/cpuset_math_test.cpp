#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "topology/cpuset_math.hpp"
#include "topology/topology.hpp"

namespace ktstr::topo {
namespace {

using ::testing::HasSubstr;

CpuSet range_set(int lo, int hi) {  // [lo, hi]
  CpuSet s;
  for (int c = lo; c <= hi; ++c) s.insert(c);
  return s;
}

CpuSet ok(Result<CpuSet> r) {
  EXPECT_TRUE(r) << r.error().describe();
  return r ? *r : CpuSet{};
}

std::string err(Result<CpuSet> r) {
  EXPECT_FALSE(r);
  if (r) return {};
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  return r.error().describe();
}

TEST(CpusetMath, SetOperations) {
  CpuSet a{0, 1, 2, 5};
  CpuSet b{1, 5, 7};
  EXPECT_EQ(intersect(a, b), (CpuSet{1, 5}));
  EXPECT_EQ(subtract(a, b), (CpuSet{0, 2}));
  EXPECT_EQ(unite(a, b), (CpuSet{0, 1, 2, 5, 7}));
}

TEST(CpusetMath, UsableDropsTheHighestCpuOnlyAboveTwo) {
  EXPECT_EQ(usable_subset({}), CpuSet{});
  EXPECT_EQ(usable_subset({5}), (CpuSet{5}));
  EXPECT_EQ(usable_subset({0, 1}), (CpuSet{0, 1}));
  EXPECT_EQ(usable_subset({0, 1, 2}), (CpuSet{0, 1}));
  EXPECT_EQ(usable_subset({0, 2, 4, 6}), (CpuSet{0, 2, 4}));
}

TEST(CpusetMath, DisjointSplitsEvenlyFrontLoaded) {
  CpuSet eight = range_set(0, 7);
  EXPECT_EQ(ok(disjoint_part(eight, 0, 2)), range_set(0, 3));
  EXPECT_EQ(ok(disjoint_part(eight, 1, 2)), range_set(4, 7));
  CpuSet seven = range_set(0, 6);
  EXPECT_EQ(ok(disjoint_part(seven, 0, 3)), range_set(0, 2));
  EXPECT_EQ(ok(disjoint_part(seven, 1, 3)), range_set(3, 4));
  EXPECT_EQ(ok(disjoint_part(seven, 2, 3)), range_set(5, 6));
  EXPECT_EQ(ok(disjoint_part(seven, 0, 1)), seven);
  EXPECT_EQ(ok(disjoint_part({0, 2, 4, 6, 8}, 1, 2)), (CpuSet{6, 8}));
  EXPECT_EQ(ok(disjoint_part(eight, 7, 8)), (CpuSet{7}));
}

TEST(CpusetMath, DisjointRejectsImpossibleSplits) {
  CpuSet four = range_set(0, 3);
  EXPECT_THAT(err(disjoint_part(four, 0, 0)), HasSubstr("'of' must be at least 1"));
  EXPECT_THAT(err(disjoint_part(four, 2, 2)), HasSubstr("index 2 is out of range for 2 parts"));
  EXPECT_THAT(err(disjoint_part(four, -1, 2)), HasSubstr("use 0..1"));
  EXPECT_THAT(err(disjoint_part(four, 0, 5)),
              HasSubstr("cannot split 4 CPUs into 5 non-empty parts"));
  EXPECT_THAT(err(disjoint_part({}, 0, 1)), HasSubstr("cannot split 0 CPUs"));
}

TEST(CpusetMath, OverlapGrowsForwardAndTheLastPartBackward) {
  CpuSet eight = range_set(0, 7);
  EXPECT_EQ(ok(overlap_part(eight, 0, 2, 0.5)), range_set(0, 5));
  EXPECT_EQ(ok(overlap_part(eight, 1, 2, 0.5)), range_set(2, 7));
  EXPECT_EQ(ok(overlap_part(eight, 0, 4, 0.5)), range_set(0, 2));
  EXPECT_EQ(ok(overlap_part(eight, 1, 4, 0.5)), range_set(2, 4));
  EXPECT_EQ(ok(overlap_part(eight, 2, 4, 0.5)), range_set(4, 6));
  EXPECT_EQ(ok(overlap_part(eight, 3, 4, 0.5)), range_set(5, 7));
  // ceil(0.25 * 3) = 1 extra CPU for the 3-CPU first part of 7.
  EXPECT_EQ(ok(overlap_part(range_set(0, 6), 0, 3, 0.25)), range_set(0, 3));
}

TEST(CpusetMath, OverlapEdgeFractions) {
  CpuSet eight = range_set(0, 7);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(ok(overlap_part(eight, i, 4, 0.0)), ok(disjoint_part(eight, i, 4))) << i;
  }
  EXPECT_EQ(ok(overlap_part(eight, 0, 2, 1.0)), eight);
  EXPECT_EQ(ok(overlap_part(eight, 1, 4, 1.0)), range_set(2, 5));
  EXPECT_THAT(err(overlap_part(eight, 0, 2, -0.1)), HasSubstr("outside 0..1"));
  EXPECT_THAT(err(overlap_part(eight, 0, 2, 1.5)), HasSubstr("outside 0..1"));
  EXPECT_THAT(err(overlap_part(eight, 0, 2, std::nan(""))), HasSubstr("outside 0..1"));
  EXPECT_THAT(err(overlap_part(eight, 0, 9, 0.5)), HasSubstr("cannot split 8 CPUs"));
}

TEST(CpusetMath, FractionRangesTileTheSet) {
  CpuSet ten = range_set(0, 9);
  EXPECT_EQ(ok(fraction_range(ten, 0.0, 0.5)), range_set(0, 4));
  EXPECT_EQ(ok(fraction_range(ten, 0.5, 1.0)), range_set(5, 9));
  EXPECT_EQ(ok(fraction_range(ten, 0.3, 0.6)), range_set(3, 5));
  EXPECT_EQ(ok(fraction_range(ten, 0.0, 1.0)), ten);
  CpuSet seven = range_set(0, 6);
  CpuSet lo = ok(fraction_range(seven, 0.0, 0.5));
  CpuSet hi = ok(fraction_range(seven, 0.5, 1.0));
  EXPECT_EQ(lo, range_set(0, 2));
  EXPECT_EQ(hi, range_set(3, 6));
  EXPECT_EQ(unite(lo, hi), seven);
}

TEST(CpusetMath, FractionRangeNeverEmptyAndValidated) {
  CpuSet four = range_set(0, 3);
  EXPECT_EQ(ok(fraction_range(four, 0.0, 0.1)), (CpuSet{0}));
  EXPECT_EQ(ok(fraction_range(four, 0.99, 1.0)), (CpuSet{3}));
  EXPECT_EQ(ok(fraction_range({4, 9}, 0.5, 1.0)), (CpuSet{9}));
  EXPECT_THAT(err(fraction_range(four, 0.5, 0.5)),
              HasSubstr("range(0.5, 0.5) is not a valid range"));
  EXPECT_THAT(err(fraction_range(four, 0.2, 1.1)), HasSubstr("need 0 <= start < end <= 1"));
  EXPECT_THAT(err(fraction_range({}, 0.0, 1.0)), HasSubstr("empty CPU set"));
}

TEST(CpusetMath, GroupPartKeepsGroupsWhole) {
  std::vector<CpuSet> groups = {range_set(0, 3), range_set(4, 7), {}, range_set(8, 11)};
  EXPECT_EQ(ok(group_part(groups, 0, 2, "LLC")), range_set(0, 7));
  EXPECT_EQ(ok(group_part(groups, 1, 2, "LLC")), range_set(8, 11));
  EXPECT_EQ(ok(group_part(groups, 2, 3, "LLC")), range_set(8, 11));
  EXPECT_THAT(err(group_part(groups, 0, 4, "LLC")),
              HasSubstr("cannot split 3 LLCs into 4 non-empty parts"));
  EXPECT_THAT(err(group_part({range_set(0, 3)}, 0, 2, "NUMA node")),
              HasSubstr("cannot split 1 NUMA node into 2"));
}

TEST(CpusetMath, SplitByGroupsDropsEmptyPieces) {
  std::vector<CpuSet> groups = {range_set(0, 3), range_set(4, 7), range_set(8, 11)};
  auto pieces = split_by_groups(groups, {2, 3, 4, 10});
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0], (CpuSet{2, 3}));
  EXPECT_EQ(pieces[1], (CpuSet{4}));
  EXPECT_EQ(pieces[2], (CpuSet{10}));
  EXPECT_EQ(split_by_groups(groups, {9}), (std::vector<CpuSet>{{9}}));
  EXPECT_TRUE(split_by_groups(groups, {}).empty());
}

// The Topology wrappers resolve over usable CPUs of a synthetic VM.
TEST(CpusetMath, TopologyResolvesCpusetSpecsOverUsableCpus) {
  auto t = Topology::synthetic(*TopologySpec::parse("2n4l2c2t"));
  EXPECT_EQ(t.usable_cpus(), range_set(0, 14));
  EXPECT_EQ(ok(t.disjoint(0, 2)), range_set(0, 7));
  EXPECT_EQ(ok(t.disjoint(1, 2)), range_set(8, 14));
  EXPECT_EQ(ok(t.overlap(1, 2, 0.5)), range_set(4, 14));
  EXPECT_EQ(ok(t.range(0.0, 0.5)), range_set(0, 6));
  EXPECT_EQ(ok(t.llc_aligned(0, 2)), range_set(0, 7));
  EXPECT_EQ(ok(t.llc_aligned(1, 2)), range_set(8, 14));
  EXPECT_EQ(ok(t.llc_aligned(3, 4)), range_set(12, 14));
  EXPECT_THAT(err(t.llc_aligned(0, 5)), HasSubstr("cannot split 4 LLCs into 5"));
  EXPECT_EQ(ok(t.numa_aligned(0, 2)), range_set(0, 7));
  EXPECT_EQ(ok(t.numa_aligned(1, 2)), range_set(8, 14));
  EXPECT_EQ(ok(t.numa_aligned(0, 1)), range_set(0, 14));
  EXPECT_THAT(err(t.numa_aligned(0, 3)), HasSubstr("cannot split 2 NUMA nodes into 3"));
  auto by_llc = t.split_by_llc({1, 2, 3, 4, 13});
  ASSERT_EQ(by_llc.size(), 3u);
  EXPECT_EQ(by_llc[0], (CpuSet{1, 2, 3}));
  EXPECT_EQ(by_llc[1], (CpuSet{4}));
  EXPECT_EQ(by_llc[2], (CpuSet{13}));
  auto by_node = t.split_by_node({1, 2, 3, 4, 13});
  ASSERT_EQ(by_node.size(), 2u);
  EXPECT_EQ(by_node[0], (CpuSet{1, 2, 3, 4}));
  EXPECT_EQ(by_node[1], (CpuSet{13}));
}

}  // namespace
}  // namespace ktstr::topo
