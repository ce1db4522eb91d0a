// Pure guest-side pieces: sysfs topology reading from a fixture tree, the
// run request round trip and the host's result-channel parser.
#include <gtest/gtest.h>

#include <string>

#include "util/file_io.hpp"
#include "vm/cache.hpp"
#include "vm/guest_topology.hpp"
#include "vm/qemu.hpp"
#include "vm/result_channel.hpp"
#include "vm/run_request.hpp"

namespace ktstr::vm {
namespace {

void put(const std::string& path, const std::string& text) {
  ASSERT_TRUE(make_dirs(path.substr(0, path.rfind('/'))));
  ASSERT_TRUE(write_file_atomic(path, text));
}

// sysfs for 2 nodes x 2 LLCs x 1 core x 2 threads: CPUs (0,1) (2,3) | (4,5) (6,7).
void make_sysfs(const std::string& root) {
  put(root + "/devices/system/cpu/online", "0-7\n");
  for (int cpu = 0; cpu < 8; ++cpu) {
    std::string d = root + "/devices/system/cpu/cpu" + std::to_string(cpu);
    int core = cpu / 2;
    std::string sib = std::to_string(core * 2) + "-" + std::to_string(core * 2 + 1);
    put(d + "/topology/thread_siblings_list", sib + "\n");
    put(d + "/cache/index0/level", "1\n");
    put(d + "/cache/index0/type", "Data\n");
    put(d + "/cache/index0/shared_cpu_list", sib + "\n");
    put(d + "/cache/index3/level", "3\n");  // gap in indices: stop at index1
    put(d + "/cache/index1/level", "3\n");
    put(d + "/cache/index1/type", "Unified\n");
    put(d + "/cache/index1/shared_cpu_list", sib + "\n");
  }
  put(root + "/devices/system/node/online", "0-1\n");
  put(root + "/devices/system/node/node0/cpulist", "0-3\n");
  put(root + "/devices/system/node/node1/cpulist", "4-7\n");
}

TEST(GuestTopology, ReadsFixtureAndComparesToSpec) {
  auto dir = TempDir::create("ktstr-sysfs-test-");
  ASSERT_TRUE(dir);
  make_sysfs(dir->path());
  auto t = read_seen_topology(dir->path());
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(t->cpus, 8);
  EXPECT_EQ(t->nodes, 2);
  EXPECT_EQ(t->llcs, 4);
  EXPECT_EQ(t->cores_per_llc, 1);
  EXPECT_EQ(t->threads_per_core, 2);
  EXPECT_TRUE(t->uniform);
  EXPECT_EQ(t->llc_cpus, (std::vector<std::string>{"0-1", "2-3", "4-5", "6-7"}));
  EXPECT_EQ(topology_mismatch(*parse_vm_topology("2n4l1c2t"), *t), "");
  EXPECT_EQ(topology_mismatch(*parse_vm_topology("1n4l1c2t"), *t),
            "topology is not 1n4l1c2t: found 2 NUMA nodes with CPUs (expected 1); the machine "
            "looks like 2n4l1c2t");
  EXPECT_EQ(topology_mismatch(*parse_vm_topology("2n2l2c2t"), *t),
            "topology is not 2n2l2c2t: found 4 LLCs (expected 2), LLC sizes 2,2,2,2 (expected 4 "
            "CPUs each); the machine looks like 2n4l1c2t");
  EXPECT_EQ(topology_mismatch(*parse_vm_topology("2n4l2c2t"), *t),
            "topology is not 2n4l2c2t: found 8 CPUs (expected 16), LLC sizes 2,2,2,2 (expected 4 "
            "CPUs each); the machine looks like 2n4l1c2t");
  EXPECT_FALSE(read_seen_topology(dir->path() + "/nope"));
}

TEST(RunRequest, RoundTrip) {
  RunRequest r;
  r.argv = {"workload", "--json"};
  r.topology = "1n2l2c1t";
  r.scheduler_name = "scx_qmap";
  r.scheduler_path = "/ktstr/bin/scx_qmap";
  r.scheduler_args = {"-t", "4"};
  r.command_timeout_ms = 1234;
  auto back = parse_run_request(to_json_text(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->argv, r.argv);
  EXPECT_EQ(back->scheduler_args, r.scheduler_args);
  EXPECT_EQ(back->command_timeout_ms, 1234u);
  EXPECT_EQ(back->attach_timeout_ms, r.attach_timeout_ms);
  EXPECT_FALSE(parse_run_request("[1,2]"));
  EXPECT_FALSE(parse_run_request("{\"argv\": 5}"));
}

TEST(ResultChannel, ParsesFramesAcrossChunks) {
  ResultChannelParser p;
  p.feed("KTSTR-INIT-", 10);
  EXPECT_EQ(p.init_start_ns(), 0u);
  p.feed("START\r\nnoise\nKTSTR-RESULT-BEGIN\n{\"a\":", 20);
  EXPECT_EQ(p.init_start_ns(), 20u);
  EXPECT_FALSE(p.complete());
  p.feed("1}\nKTSTR-RESULT-END\nKTSTR-RESULT-BEGIN\nlater\n", 30);
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(p.result_ns(), 30u);
  EXPECT_EQ(p.result(), "{\"a\":1}");  // a second frame is ignored
}

TEST(ConsoleTail, LastLines) {
  auto dir = TempDir::create("ktstr-tail-test-");
  ASSERT_TRUE(dir);
  put(dir->path() + "/c.log", "a\r\nb\nc\nd");
  EXPECT_EQ(file_tail_lines(dir->path() + "/c.log", 2), (std::vector<std::string>{"c", "d"}));
  EXPECT_TRUE(file_tail_lines(dir->path() + "/none", 2).empty());
}

}  // namespace
}  // namespace ktstr::vm
