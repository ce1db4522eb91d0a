#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "topology/spec.hpp"

namespace ktstr::topo {
namespace {

using ::testing::HasSubstr;

std::string parse_error(std::string_view text) {
  auto r = TopologySpec::parse(text);
  EXPECT_FALSE(r) << text << " parsed";
  if (r) return {};
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  return r.error().describe();
}

TEST(TopologySpec, ParsesTheDocumentedExample) {
  auto r = TopologySpec::parse("1n2l4c2t");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->nodes, 1);
  EXPECT_EQ(r->llcs, 2);
  EXPECT_EQ(r->cores_per_llc, 4);
  EXPECT_EQ(r->threads_per_core, 2);
  EXPECT_EQ(r->total_cpus(), 16);
  EXPECT_EQ(r->cpus_per_llc(), 8);
  EXPECT_EQ(r->llcs_per_node(), 2);
  EXPECT_EQ(r->cpus_per_node(), 16);
  EXPECT_EQ(r->to_string(), "1n2l4c2t");
}

TEST(TopologySpec, ParsesMultiNodeMultiDigitAndUppercase) {
  auto r = TopologySpec::parse(" 2N12L16C1T\n");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(*r, (TopologySpec{2, 12, 16, 1}));
  EXPECT_EQ(r->total_cpus(), 192);
  EXPECT_EQ(r->cpus_per_node(), 96);
  EXPECT_EQ(r->to_string(), "2n12l16c1t");
}

TEST(TopologySpec, RoundTripsThroughToString) {
  for (const char* s : {"1n1l1c1t", "2n4l2c2t", "4n8l8c2t", "1n1l2c8t", "8n8l64c1t"}) {
    auto r = TopologySpec::parse(s);
    ASSERT_TRUE(r) << s << ": " << r.error().describe();
    EXPECT_EQ(r->to_string(), s);
  }
}

TEST(TopologySpec, RejectsMissingParts) {
  EXPECT_THAT(parse_error(""), HasSubstr("empty"));
  EXPECT_THAT(parse_error("1n2l"), HasSubstr("missing the cores per LLC part"));
  EXPECT_THAT(parse_error("1n2l4c"), HasSubstr("missing the threads per core part"));
  EXPECT_THAT(parse_error("1n2l4c2"), HasSubstr("number '2' has no letter after it"));
  EXPECT_THAT(parse_error("n2l4c2t"), HasSubstr("expected a number for the NUMA nodes part"));
}

TEST(TopologySpec, RejectsWrongOrderAndUnknownLetters) {
  EXPECT_THAT(parse_error("2l1n4c2t"),
              HasSubstr("found the LLCs part '2l' where the NUMA nodes part"));
  EXPECT_THAT(parse_error("1n2l2t4c"), HasSubstr("the order is nodes, LLCs, cores, threads"));
  EXPECT_THAT(parse_error("1n2x4c2t"), HasSubstr("unknown part '2x'"));
  EXPECT_THAT(parse_error("1n2l4c2tx"), HasSubstr("unexpected text 'x'"));
  EXPECT_THAT(parse_error("1n-2l4c2t"), HasSubstr("expected a number for the LLCs part"));
}

TEST(TopologySpec, RejectsZeroAndAbsurdValues) {
  EXPECT_THAT(parse_error("0n1l1c1t"), HasSubstr("NUMA nodes must be at least 1 (got 0)"));
  EXPECT_THAT(parse_error("1n0l1c1t"), HasSubstr("LLCs must be at least 1"));
  EXPECT_THAT(parse_error("1n1l0c1t"), HasSubstr("cores per LLC must be at least 1"));
  EXPECT_THAT(parse_error("1n1l1c0t"), HasSubstr("threads per core must be at least 1"));
  EXPECT_THAT(parse_error("1n1l1c9t"), HasSubstr("9 threads per core is more than the 8"));
  EXPECT_THAT(parse_error("1n4l64c4t"), HasSubstr("1024 CPUs is more than the 512 supported"));
  EXPECT_THAT(parse_error("1n99999l1c1t"), HasSubstr("far too large"));
}

TEST(TopologySpec, RejectsLlcsNotAMultipleOfNodes) {
  std::string msg = parse_error("2n3l4c1t");
  EXPECT_THAT(msg, HasSubstr("3 LLCs cannot be split evenly across 2 NUMA nodes"));
  EXPECT_THAT(msg, HasSubstr("e.g. 4l"));
  EXPECT_THAT(msg, HasSubstr("topology spec '2n3l4c1t'"));
  EXPECT_THAT(parse_error("4n2l1c1t"), HasSubstr("e.g. 4l"));
}

TEST(TopologySpec, ValidateCatchesHandBuiltSpecs) {
  EXPECT_TRUE((TopologySpec{2, 4, 2, 2}.validate()));
  EXPECT_TRUE((TopologySpec{1, 1, 512, 1}.validate()));
  EXPECT_FALSE((TopologySpec{1, 1, 513, 1}.validate()));
  EXPECT_FALSE((TopologySpec{-1, 1, 1, 1}.validate()));
  EXPECT_FALSE((TopologySpec{2, 3, 1, 1}.validate()));
}

}  // namespace
}  // namespace ktstr::topo
