#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "topology/sysfs_parse.hpp"
#include "topology/topology.hpp"
#include "util/file_io.hpp"

namespace ktstr::topo {
namespace {

using ::testing::HasSubstr;

std::string fixture(const char* name) {
  return std::string(KTSTR_TEST_DATA_DIR) + "/topology/" + name;
}

Topology load(const char* name) {
  auto t = Topology::from_sysfs(fixture(name));
  EXPECT_TRUE(t) << t.error().describe();
  return t ? *t : Topology::synthetic({});
}

TEST(SysfsParse, Integers) {
  EXPECT_EQ(*parse_sysfs_int("3\n"), 3);
  EXPECT_EQ(*parse_sysfs_int("-1\n"), -1);
  EXPECT_FALSE(parse_sysfs_int(""));
  EXPECT_FALSE(parse_sysfs_int("3 4"));
  EXPECT_FALSE(parse_sysfs_int("x"));
}

TEST(SysfsParse, NodeMemTotal) {
  auto r = parse_node_memtotal_bytes(
      "Node 0 MemTotal:        6514900 kB\nNode 0 MemFree:         4694228 kB\n");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(*r, 6514900ull * 1024);
  EXPECT_THAT(parse_node_memtotal_bytes("Node 0 MemFree: 1 kB\n").error().message,
              HasSubstr("no MemTotal"));
  EXPECT_THAT(parse_node_memtotal_bytes("Node 0 MemTotal: 12 MB\n").error().message,
              HasSubstr("not '<number> kB'"));
}

TEST(SysfsParse, Distances) {
  EXPECT_EQ(*parse_distances("10 21\n"), (std::vector<int>{10, 21}));
  EXPECT_EQ(*parse_distances("10\n"), (std::vector<int>{10}));
  EXPECT_FALSE(parse_distances("\n"));
  EXPECT_FALSE(parse_distances("10 x"));
}

TEST(TopologySysfs, CapturedTwoCpuHost) {
  Topology t = load("host_2cpu");
  EXPECT_EQ(t.all_cpus(), (CpuSet{0, 1}));
  EXPECT_EQ(t.usable_cpus(), (CpuSet{0, 1}));
  EXPECT_EQ(t.num_cpus(), 2);
  EXPECT_EQ(t.threads_per_core(), 1);
  EXPECT_TRUE(t.smt_pairs().empty());
  ASSERT_EQ(t.num_llcs(), 1);
  EXPECT_EQ(t.llcs()[0].cpus, (CpuSet{0, 1}));
  ASSERT_EQ(t.num_nodes(), 1);
  EXPECT_EQ(t.nodes()[0].id, 0);
  EXPECT_EQ(t.nodes()[0].cpus, (CpuSet{0, 1}));
  EXPECT_EQ(t.nodes()[0].memory_bytes, 6514900ull * 1024);
  EXPECT_EQ(t.nodes()[0].distances, (std::vector<int>{10}));
  ASSERT_EQ(t.cpus().size(), 2u);
  EXPECT_EQ(t.cpus()[1].id, 1);
  EXPECT_EQ(t.cpus()[1].core_id, 1);
  EXPECT_EQ(t.cpus()[1].package_id, 0);
  EXPECT_EQ(t.cpus()[1].siblings, (CpuSet{1}));
  EXPECT_EQ(t.regular_spec()->to_string(), "1n1l2c1t");
  EXPECT_TRUE(t.matches(*TopologySpec::parse("1n1l2c1t")));
}

TEST(TopologySysfs, TwoNodeSmtWithSplitSiblingNumbering) {
  Topology t = load("two_node_smt");
  EXPECT_EQ(t.num_cpus(), 16);
  EXPECT_EQ(t.usable_cpus(), *parse_cpu_list("0-14"));
  EXPECT_EQ(t.threads_per_core(), 2);
  ASSERT_EQ(t.num_llcs(), 4);
  EXPECT_EQ(format_cpu_list(t.llcs()[0].cpus), "0-1,8-9");
  EXPECT_EQ(format_cpu_list(t.llcs()[1].cpus), "2-3,10-11");
  EXPECT_EQ(format_cpu_list(t.llcs()[2].cpus), "4-5,12-13");
  EXPECT_EQ(format_cpu_list(t.llcs()[3].cpus), "6-7,14-15");
  EXPECT_EQ(t.llcs()[2].node, 1);
  ASSERT_EQ(t.num_nodes(), 2);
  EXPECT_EQ(format_cpu_list(t.nodes()[0].cpus), "0-3,8-11");
  EXPECT_EQ(format_cpu_list(t.nodes()[1].cpus), "4-7,12-15");
  EXPECT_EQ(t.nodes()[0].memory_bytes, 8388608ull * 1024);
  EXPECT_EQ(t.nodes()[1].memory_bytes, 8257536ull * 1024);
  EXPECT_EQ(t.nodes()[0].distances, (std::vector<int>{10, 21}));
  EXPECT_EQ(t.nodes()[1].distances, (std::vector<int>{21, 10}));
  EXPECT_EQ(*t.smt_siblings(3), (CpuSet{3, 11}));
  EXPECT_EQ(*t.smt_siblings(11), (CpuSet{3, 11}));
  EXPECT_EQ(*t.llc_of(10), 1);
  EXPECT_EQ(*t.node_of(12), 1);
  EXPECT_EQ(t.cpus()[13].core_id, 1);
  EXPECT_EQ(t.cpus()[13].package_id, 1);
  auto pairs = t.smt_pairs();
  ASSERT_EQ(pairs.size(), 8u);
  EXPECT_EQ(pairs[0], (std::pair<int, int>{0, 8}));
  EXPECT_EQ(pairs[7], (std::pair<int, int>{7, 15}));
  EXPECT_EQ(t.regular_spec()->to_string(), "2n4l2c2t");
  std::string why;
  EXPECT_TRUE(t.matches(*TopologySpec::parse("2n4l2c2t"), &why)) << why;
  EXPECT_EQ(*t.llc_aligned(1, 2), *parse_cpu_list("4-7,12-14"));
}

TEST(TopologySysfs, NoL3FallsBackToPackagesAndNoNodeDirToOneNode) {
  Topology t = load("no_l3");
  EXPECT_EQ(t.all_cpus(), (CpuSet{0, 1, 2}));
  EXPECT_EQ(t.usable_cpus(), (CpuSet{0, 1}));
  ASSERT_EQ(t.num_llcs(), 2);
  EXPECT_EQ(t.llcs()[0].cpus, (CpuSet{0, 1}));
  EXPECT_EQ(t.llcs()[1].cpus, (CpuSet{2}));
  EXPECT_EQ(t.cpus()[2].package_id, 1);
  EXPECT_EQ(t.cpus()[2].core_id, 0);
  // Siblings come from core_cpus_list (no thread_siblings_list here); the
  // offline CPU 3 is dropped from CPU 2's.
  EXPECT_EQ(t.cpus()[0].siblings, (CpuSet{0, 1}));
  EXPECT_EQ(t.cpus()[2].siblings, (CpuSet{2}));
  EXPECT_EQ(t.threads_per_core(), 2);
  EXPECT_EQ(t.smt_pairs(), (std::vector<std::pair<int, int>>{{0, 1}}));
  ASSERT_EQ(t.num_nodes(), 1);
  EXPECT_EQ(t.nodes()[0].cpus, (CpuSet{0, 1, 2}));
  EXPECT_EQ(t.nodes()[0].memory_bytes, 0u);
  EXPECT_EQ(t.nodes()[0].distances, (std::vector<int>{10}));
  EXPECT_FALSE(t.regular_spec().has_value());
  EXPECT_THAT(t.llc_of(3).error().message, HasSubstr("CPU 3 is not online; online CPUs are 0-2"));
}

TEST(TopologySysfs, MissingRootIsAnEnvironmentError) {
  auto t = Topology::from_sysfs(fixture("does_not_exist"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kEnvironment);
  EXPECT_THAT(t.error().describe(), HasSubstr("does_not_exist/devices/system/cpu/online"));
}

TEST(TopologySysfs, BadFileNamesTheFile) {
  std::string root = ::testing::TempDir() + "/ktstr_topo_bad_" + std::to_string(::getpid());
  std::filesystem::create_directories(root + "/devices/system/cpu/cpu0/topology");
  ASSERT_TRUE(write_file_atomic(root + "/devices/system/cpu/online", "0\n"));
  ASSERT_TRUE(write_file_atomic(root + "/devices/system/cpu/cpu0/topology/core_id", "zero\n"));
  auto t = Topology::from_sysfs(root);
  std::filesystem::remove_all(root);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kEnvironment);
  EXPECT_THAT(t.error().describe(), HasSubstr("cpu0/topology/core_id: expected an integer"));
}

// The live machine: whatever it is, the reader must agree with libc.
TEST(TopologySysfs, RealSysMatchesSysconf) {
  auto t = Topology::from_sysfs();
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(t->num_cpus(), static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_GE(t->num_llcs(), 1);
  EXPECT_GE(t->num_nodes(), 1);
  int in_llcs = 0;
  for (const auto& l : t->llcs()) in_llcs += static_cast<int>(l.cpus.size());
  EXPECT_EQ(in_llcs, t->num_cpus());
}

}  // namespace
}  // namespace ktstr::topo
