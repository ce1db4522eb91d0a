#include <gtest/gtest.h>

#include <string>

#include "cgroup/layout.hpp"
#include "util/file_io.hpp"

namespace ktstr::cgroup {
namespace {

std::string fixture(const std::string& name) {
  auto text = read_file(std::string(KTSTR_TEST_DATA_DIR) + "/cgroup/" + name);
  EXPECT_TRUE(text) << text.error().describe();
  return text ? *text : std::string();
}

// This build host: v1 hierarchies per controller, cgroup2 at unified with
// no cpu/cpuset (only hugetlb is left there).
TEST(CgroupLayout, HybridHostUsesV1Hierarchies) {
  auto mounts = parse_cgroup_mounts(fixture("mountinfo_hybrid.txt"));
  ASSERT_TRUE(mounts) << mounts.error().describe();
  EXPECT_EQ(mounts->v2, "/sys/fs/cgroup/unified");
  EXPECT_EQ(mounts->all.size(), 10u);
  auto layout = detect_cgroup_layout(fixture("mountinfo_hybrid.txt"), "hugetlb\n");
  ASSERT_TRUE(layout) << layout.error().describe();
  EXPECT_EQ(layout->version, 1);
  EXPECT_EQ(layout->roots.at(Controller::kCpuset), "/sys/fs/cgroup/cpuset");
  EXPECT_EQ(layout->roots.at(Controller::kCpu), "/sys/fs/cgroup/cpu");
  EXPECT_EQ(layout->roots.at(Controller::kMemory), "/sys/fs/cgroup/memory");
  EXPECT_EQ(layout->roots.at(Controller::kPids), "/sys/fs/cgroup/pids");
  EXPECT_EQ(layout->roots.at(Controller::kFreezer), "/sys/fs/cgroup/freezer");
  Capabilities caps = layout->capabilities();
  EXPECT_EQ(caps.version, 1);
  EXPECT_TRUE(caps.cpuset && caps.cpu && caps.memory && caps.pids && caps.freezer);
}

TEST(CgroupLayout, PureV2LikeTheVm) {
  auto layout = detect_cgroup_layout(fixture("mountinfo_v2.txt"), "cpuset cpu io memory pids\n");
  ASSERT_TRUE(layout) << layout.error().describe();
  EXPECT_EQ(layout->version, 2);
  EXPECT_EQ(layout->roots.size(), 5u);
  for (const auto& [c, root] : layout->roots) EXPECT_EQ(root, "/sys/fs/cgroup");
  Capabilities caps = layout->capabilities();
  EXPECT_EQ(caps.version, 2);
  EXPECT_TRUE(caps.cpuset && caps.cpu && caps.memory && caps.pids && caps.freezer);
}

TEST(CgroupLayout, V2WithoutOptionalControllers) {
  auto layout = detect_cgroup_layout(fixture("mountinfo_v2.txt"), "cpu cpuset\n");
  ASSERT_TRUE(layout) << layout.error().describe();
  Capabilities caps = layout->capabilities();
  EXPECT_TRUE(caps.cpuset && caps.cpu && caps.freezer);
  EXPECT_FALSE(caps.memory);
  EXPECT_FALSE(caps.pids);
  EXPECT_FALSE(caps.has(Controller::kMemory));
}

TEST(CgroupLayout, V2LackingCpuAndNoV1IsAnEnvironmentError) {
  auto layout = detect_cgroup_layout(fixture("mountinfo_v2_only_no_cpu.txt"), "memory pids\n");
  ASSERT_FALSE(layout);
  const Error& e = layout.error();
  EXPECT_EQ(e.kind, ErrorKind::kEnvironment);
  const std::string& m = e.message;
  EXPECT_NE(m.find("the cgroup2 mount at /sys/fs/cgroup lacks the cpuset, cpu controller(s)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("(it offers: memory pids)"), std::string::npos) << m;
  EXPECT_NE(m.find("no cgroup v1 hierarchy has the cpuset, cpu controller(s)"), std::string::npos)
      << m;
  EXPECT_NE(m.find("mount -t cgroup -o cpuset"), std::string::npos) << m;
}

TEST(CgroupLayout, NamesExactlyTheMissingController) {
  // v2 has only cpuset; v1 has only cpuset: the cpu controller is what is missing.
  std::string mountinfo =
      "5 3 0:23 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
      "6 3 0:24 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n";
  auto layout = detect_cgroup_layout(mountinfo, "cpuset\n");
  ASSERT_FALSE(layout);
  EXPECT_NE(layout.error().message.find("lacks the cpu controller(s)"), std::string::npos)
      << layout.error().message;
  EXPECT_NE(layout.error().message.find("no cgroup v1 hierarchy has the cpu controller(s)"),
            std::string::npos);
  auto none = detect_cgroup_layout("1 1 0:2 / / rw - ext4 /dev/vda rw\n", "");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no cgroup2 filesystem is mounted"), std::string::npos);
}

TEST(CgroupLayout, ComountedAndEscapedV1Paths) {
  auto layout = detect_cgroup_layout(fixture("mountinfo_v1_comount.txt"), "");
  ASSERT_TRUE(layout) << layout.error().describe();
  EXPECT_EQ(layout->version, 1);
  EXPECT_EQ(layout->roots.at(Controller::kCpu), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout->roots.at(Controller::kCpuset), "/sys/fs/cgroup/cpuset");
  EXPECT_EQ(layout->roots.at(Controller::kMemory), "/mnt/my cgroups");
  EXPECT_EQ(layout->roots.count(Controller::kFreezer), 0u);
  EXPECT_FALSE(layout->capabilities().freezer);
}

TEST(CgroupLayout, MalformedCgroupLineIsAnError) {
  auto mounts = parse_cgroup_mounts("5 3 0:23 / /sys/fs/cgroup rw cgroup2\n");
  ASSERT_FALSE(mounts);
  EXPECT_EQ(mounts.error().context, "mountinfo line 1");
  // Lines of other filesystems are skipped even when odd.
  auto other = parse_cgroup_mounts("garbage\n");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->all.empty());
}

}  // namespace
}  // namespace ktstr::cgroup
