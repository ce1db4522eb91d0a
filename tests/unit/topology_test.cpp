#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "topology/render.hpp"
#include "topology/topology.hpp"

namespace ktstr::topo {
namespace {

using ::testing::HasSubstr;

Topology synth(const char* spec) {
  return Topology::synthetic(*TopologySpec::parse(spec));
}

TEST(TopologySynthetic, NumbersCpusLikeQemu) {
  Topology t = synth("1n2l4c2t");
  EXPECT_EQ(t.num_cpus(), 16);
  EXPECT_EQ(t.threads_per_core(), 2);
  ASSERT_EQ(t.num_llcs(), 2);
  EXPECT_EQ(format_cpu_list(t.llcs()[0].cpus), "0-7");
  EXPECT_EQ(format_cpu_list(t.llcs()[1].cpus), "8-15");
  ASSERT_EQ(t.num_nodes(), 1);
  EXPECT_EQ(format_cpu_list(t.nodes()[0].cpus), "0-15");
  EXPECT_EQ(t.nodes()[0].distances, (std::vector<int>{10}));
  EXPECT_EQ(*t.smt_siblings(4), (CpuSet{4, 5}));
  EXPECT_EQ(*t.smt_siblings(5), (CpuSet{4, 5}));
  // Core ids count within the package (= node), across its LLCs.
  EXPECT_EQ(t.cpus()[9].core_id, 4);
  EXPECT_EQ(t.cpus()[9].package_id, 0);
  EXPECT_EQ(t.cpus()[9].llc, 1);
  auto pairs = t.smt_pairs();
  ASSERT_EQ(pairs.size(), 8u);
  EXPECT_EQ(pairs[3], (std::pair<int, int>{6, 7}));
  EXPECT_EQ(t.usable_cpus(), *parse_cpu_list("0-14"));
}

TEST(TopologySynthetic, MultiNodeLayoutAndDistances) {
  Topology t = Topology::synthetic(*TopologySpec::parse("2n4l2c1t"), 1ull << 30);
  ASSERT_EQ(t.num_nodes(), 2);
  EXPECT_EQ(format_cpu_list(*t.node_cpus(1)), "4-7");
  EXPECT_EQ(format_cpu_list(*t.llc_cpus(3)), "6-7");
  EXPECT_EQ(*t.node_of(5), 1);
  EXPECT_EQ(*t.llc_of(5), 2);
  EXPECT_EQ(t.llcs()[2].node, 1);
  EXPECT_EQ(t.cpus()[5].package_id, 1);
  EXPECT_EQ(t.cpus()[5].core_id, 1);
  EXPECT_EQ(t.nodes()[1].memory_bytes, 1ull << 30);
  EXPECT_EQ(t.nodes()[0].distances, (std::vector<int>{10, 20}));
  EXPECT_EQ(t.nodes()[1].distances, (std::vector<int>{20, 10}));
  EXPECT_TRUE(t.smt_pairs().empty());
  EXPECT_EQ(t.threads_per_core(), 1);
}

TEST(TopologySynthetic, LookupsNameTheValidRange) {
  Topology t = synth("2n4l2c1t");
  EXPECT_THAT(t.llc_cpus(4).error().message,
              HasSubstr("LLC 4 does not exist; this topology has 4 LLC(s): 0-3"));
  EXPECT_THAT(t.llc_cpus(-1).error().message, HasSubstr("LLC -1 does not exist"));
  EXPECT_THAT(t.node_cpus(2).error().message,
              HasSubstr("NUMA node 2 does not exist; this topology has node(s) 0-1"));
  EXPECT_THAT(t.smt_siblings(8).error().message, HasSubstr("CPU 8 is not online"));
  EXPECT_EQ(t.node_of(-3).error().kind, ErrorKind::kInvalidInput);
}

TEST(TopologySynthetic, RegularSpecRoundTrips) {
  for (const char* s : {"1n1l1c1t", "1n2l4c2t", "2n4l2c2t", "4n8l3c1t", "2n2l1c4t"}) {
    Topology t = synth(s);
    auto spec = t.regular_spec();
    ASSERT_TRUE(spec.has_value()) << s;
    EXPECT_EQ(spec->to_string(), s);
    std::string why;
    EXPECT_TRUE(t.matches(*TopologySpec::parse(s), &why)) << s << ": " << why;
    EXPECT_TRUE(why.empty());
  }
}

TEST(TopologyMatch, ReportsEveryDifference) {
  Topology t = synth("1n2l4c2t");
  std::string why;
  EXPECT_FALSE(t.matches(*TopologySpec::parse("2n4l2c1t"), &why));
  EXPECT_THAT(why, HasSubstr("topology is not 2n4l2c1t"));
  EXPECT_THAT(why, HasSubstr("16 CPUs (expected 8)"));
  EXPECT_THAT(why, HasSubstr("2 LLCs (expected 4)"));
  EXPECT_THAT(why, HasSubstr("1 NUMA nodes with CPUs (expected 2)"));
  EXPECT_THAT(why, HasSubstr("2 threads per core (expected 1)"));
  EXPECT_THAT(why, HasSubstr("LLC sizes 8,8 (expected 2 CPUs each)"));
  EXPECT_THAT(why, HasSubstr("the machine looks like 1n2l4c2t"));
  // Same counts, different split of cores and LLCs.
  EXPECT_FALSE(synth("1n2l2c2t").matches(*TopologySpec::parse("1n1l4c2t"), &why));
  EXPECT_THAT(why, HasSubstr("2 LLCs (expected 1)"));
  EXPECT_FALSE(synth("1n1l2c1t").matches(*TopologySpec::parse("1n1l1c2t")));
}

TEST(TopologyRender, TextForTwoNodes) {
  Topology t = Topology::synthetic(*TopologySpec::parse("2n4l2c2t"), 3ull << 29);
  EXPECT_EQ(render_text(t),
            "spec:      2n4l2c2t\n"
            "cpus:      16 online (0-15), usable by tests: 0-14\n"
            "smt:       2 threads per core, 8 SMT cores\n"
            "llcs:      4\n"
            "  llc 0    cpus 0-3              node 0\n"
            "  llc 1    cpus 4-7              node 0\n"
            "  llc 2    cpus 8-11             node 1\n"
            "  llc 3    cpus 12-15            node 1\n"
            "numa:      2 nodes\n"
            "  node 0   cpus 0-7              memory 1.5 GiB\n"
            "  node 1   cpus 8-15             memory 1.5 GiB\n"
            "distances:\n"
            "             0    1\n"
            "  node 0    10   20\n"
            "  node 1    20   10\n");
}

TEST(TopologyRender, JsonFields) {
  Topology t = synth("1n2l2c2t");
  auto j = to_json(t);
  EXPECT_EQ(j["spec"], "1n2l2c2t");
  EXPECT_EQ(j["cpus"], 8);
  EXPECT_EQ(j["cpu_list"], "0-7");
  EXPECT_EQ(j["usable_cpu_list"], "0-6");
  EXPECT_EQ(j["threads_per_core"], 2);
  ASSERT_EQ(j["llcs"].size(), 2u);
  EXPECT_EQ(j["llcs"][1]["index"], 1);
  EXPECT_EQ(j["llcs"][1]["cpus"], nlohmann::json::array({4, 5, 6, 7}));
  EXPECT_EQ(j["llcs"][1]["cpu_list"], "4-7");
  ASSERT_EQ(j["numa_nodes"].size(), 1u);
  EXPECT_EQ(j["numa_nodes"][0]["id"], 0);
  EXPECT_EQ(j["numa_nodes"][0]["memory_bytes"], 0);
  EXPECT_EQ(j["numa_nodes"][0]["distances"], nlohmann::json::array({10}));
  EXPECT_EQ(j["smt_pairs"][2], nlohmann::json::array({4, 5}));
  EXPECT_EQ(j["cpu_info"][5]["siblings"], nlohmann::json::array({4, 5}));
  EXPECT_EQ(j["cpu_info"][5]["llc"], 1);
}

TEST(TopologyHostOrSynthetic, SpecOrSysfs) {
  auto synthetic = host_or_synthetic("1n2l2c2t", "/nonexistent");
  ASSERT_TRUE(synthetic.has_value()) << synthetic.error().describe();
  EXPECT_EQ(synthetic->num_cpus(), 8);
  auto host = host_or_synthetic("", std::string(KTSTR_TEST_DATA_DIR) + "/topology/host_2cpu");
  ASSERT_TRUE(host.has_value()) << host.error().describe();
  EXPECT_EQ(host->num_cpus(), 2);
  auto bad = host_or_synthetic("2x", "/sys");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace ktstr::topo
