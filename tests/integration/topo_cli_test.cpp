// Runs the built `ktstr topo` and checks its output and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using ::testing::HasSubstr;

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout, plus stderr when asked for
};

CliRun run_ktstr(const std::string& args, bool with_stderr = false) {
  std::string cmd =
      std::string("'") + KTSTR_BINARY + "' " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "re");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string fixture(const char* name) {
  return std::string(KTSTR_TEST_DATA_DIR) + "/topology/" + name;
}

TEST(TopoCli, HostJsonDescribesThisMachine) {
  CliRun r = run_ktstr("topo --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["cpus"].get<long>(), ::sysconf(_SC_NPROCESSORS_ONLN));
  EXPECT_GE(j["llcs"].size(), 1u);
  EXPECT_GE(j["numa_nodes"].size(), 1u);
  EXPECT_GE(j["threads_per_core"].get<int>(), 1);
  EXPECT_TRUE(j["cpu_list"].is_string());
  EXPECT_TRUE(j.contains("spec"));
}

TEST(TopoCli, FixtureJsonHasExactValues) {
  CliRun r = run_ktstr("topo --json --sysfs-root '" + fixture("two_node_smt") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["spec"], "2n4l2c2t");
  EXPECT_EQ(j["cpus"], 16);
  EXPECT_EQ(j["cpu_list"], "0-15");
  EXPECT_EQ(j["threads_per_core"], 2);
  ASSERT_EQ(j["llcs"].size(), 4u);
  EXPECT_EQ(j["llcs"][3]["cpu_list"], "6-7,14-15");
  EXPECT_EQ(j["llcs"][3]["cpus"], nlohmann::json::array({6, 7, 14, 15}));
  ASSERT_EQ(j["numa_nodes"].size(), 2u);
  EXPECT_EQ(j["numa_nodes"][1]["cpu_list"], "4-7,12-15");
  EXPECT_EQ(j["numa_nodes"][1]["memory_bytes"], 8257536ull * 1024);
  EXPECT_EQ(j["numa_nodes"][1]["distances"], nlohmann::json::array({21, 10}));
}

TEST(TopoCli, SpecText) {
  CliRun r = run_ktstr("topo --spec 1n2l4c2t");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("spec:      1n2l4c2t\n"));
  EXPECT_THAT(r.output, HasSubstr("  llc 1    cpus 8-15"));
  EXPECT_THAT(r.output, HasSubstr("smt:       2 threads per core, 8 SMT cores"));
}

TEST(TopoCli, BadSpecExitsTwoWithTheReason) {
  CliRun r = run_ktstr("topo --spec 2n3l4c1t", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("3 LLCs cannot be split evenly across 2 NUMA nodes"));
  r = run_ktstr("topo --spec 1n2l", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("missing the cores per LLC part"));
}

TEST(TopoCli, MissingSysfsExitsThree) {
  CliRun r = run_ktstr("topo --sysfs-root /nonexistent-ktstr-root", true);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.output, HasSubstr("/nonexistent-ktstr-root/devices/system/cpu/online"));
}

// A FIFO in a --sysfs-root tree is refused at once as bad input (exit 2),
// never read (a reader would block forever on it).
TEST(TopoCli, FifoInSysfsRootIsInvalidInput) {
  char dir[] = "/tmp/ktstr-topo-fifo-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string cpu = std::string(dir) + "/devices/system/cpu";
  ASSERT_EQ(std::system(("mkdir -p '" + cpu + "' && mkfifo '" + cpu + "/online'").c_str()), 0);
  CliRun r = run_ktstr("topo --sysfs-root '" + std::string(dir) + "'", true);
  EXPECT_EQ(std::system(("rm -rf '" + std::string(dir) + "'").c_str()), 0);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("is a FIFO, not a regular file"));
  EXPECT_THAT(r.output, HasSubstr("--sysfs-root"));
}

}  // namespace
