// Boots real QEMU guests (TCG on CI) with the cached test kernels. Each boot
// is kept short; tests skip with the reason when no kernel is cached
// (scripts/test builds and fetches them first).
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "util/file_io.hpp"
#include "vm/cache.hpp"
#include "vm_test_util.hpp"

namespace ktstr::vm {
namespace {

using testing::base_request;
using testing::run_cli;

struct Shape {
  const char* spec;
  int cpus, nodes, llcs, cores_per_llc, threads_per_core;
};

void PrintTo(const Shape& s, std::ostream* os) {
  *os << s.spec;
}

class VmTopologyTest : public ::testing::TestWithParam<Shape> {};

// The guest runs `ktstr vm sysinfo --json` (the argv path through /init);
// both its own view and the guest init's check must match exactly.
TEST_P(VmTopologyTest, GuestSeesRequestedShape) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  const Shape& s = GetParam();
  auto req = base_request(kernel, s.spec);
  req.argv = {"vm", "sysinfo", "--json"};
  auto r = run_in_vm(req);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->verdict, GuestVerdict::kPass) << r->reason;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->accel.empty(), false);
  const auto& guest = r->document["guest"];
  EXPECT_EQ(guest["topology_ok"], true);
  for (const auto& topo : {guest["topology"], r->output["topology"]}) {
    EXPECT_EQ(topo["cpus"], s.cpus);
    EXPECT_EQ(topo["nodes"], s.nodes);
    EXPECT_EQ(topo["llcs"], s.llcs);
    EXPECT_EQ(topo["cores_per_llc"], s.cores_per_llc);
    EXPECT_EQ(topo["threads_per_core"], s.threads_per_core);
    EXPECT_EQ(topo["uniform"], true);
  }
  EXPECT_EQ(r->output["kernel_release"], guest["kernel_release"]);
  EXPECT_GT(r->timings.launch_to_init_ms, 0.0);
  EXPECT_GE(r->timings.total_ms, r->timings.launch_to_init_ms);
}

INSTANTIATE_TEST_SUITE_P(Shapes, VmTopologyTest,
                         ::testing::Values(Shape{"1n1l2c1t", 2, 1, 1, 2, 1},
                                           Shape{"1n2l2c2t", 8, 1, 2, 2, 2},
                                           Shape{"2n4l2c1t", 8, 2, 4, 2, 1}),
                         [](const auto& p) { return std::string(p.param.spec); });

TEST(VmBoot, TopologyMismatchIsEnvironmentError) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto req = base_request(kernel, "1n1l2c1t");
  req.cmdline_extra = "maxcpus=1";  // one CPU stays offline
  req.shell_command = "echo should-not-run";
  auto r = run_in_vm(req);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->verdict, GuestVerdict::kError);
  EXPECT_NE(r->reason.find("guest topology does not match 1n1l2c1t: topology is not 1n1l2c1t: "
                           "found 1 CPUs (expected 2)"),
            std::string::npos)
      << r->reason;
  EXPECT_TRUE(r->output.is_null());
}

TEST(VmBoot, DebianKernelRunsShellUnderEevdf) {
  KTSTR_REQUIRE_KERNEL(kernel, "debian");
  auto req = base_request(kernel, "1n1l2c1t");
  req.shell_command = "uname -r; test -d /sys/kernel/sched_ext || echo no-sched-ext";
  auto r = run_in_vm(req);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->verdict, GuestVerdict::kPass) << r->reason;
  std::string out = r->output.get<std::string>();
  EXPECT_NE(out.find("cloud-amd64"), std::string::npos) << out;
  EXPECT_NE(out.find("no-sched-ext"), std::string::npos) << out;
  EXPECT_EQ(r->document["scheduler"]["name"], "eevdf");
}

TEST(VmBoot, ExtraFilesReachTheGuest) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto dir = TempDir::create("ktstr-vm-files-");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(write_file_atomic(dir->path() + "/s.toml", "name = \"x\"\n"));
  auto req = base_request(kernel, "1n1l1c1t");
  req.extra_files = {{dir->path() + "/s.toml", "/ktstr/files/s.toml"}};
  req.shell_command = "cat /ktstr/files/s.toml";
  auto r = run_in_vm(req);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->verdict, GuestVerdict::kPass) << r->reason;
  EXPECT_EQ(r->output, "name = \"x\"\n");
}

TEST(VmBoot, HungGuestIsKilledAtTimeoutWithConsoleTail) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto req = base_request(kernel, "1n1l1c1t");
  req.shell_command = "echo ktstr-hang-marker > /dev/console; sleep 600";
  req.timeout_ms = 12000;
  auto dir = TempDir::create("ktstr-vm-timeout-");
  ASSERT_TRUE(dir);
  req.log_dir = dir->path();
  auto r = run_in_vm(req);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->verdict, GuestVerdict::kError);
  EXPECT_EQ(r->reason.rfind("VM timed out after 12000 ms", 0), 0u) << r->reason;
  bool marker = false;
  for (const auto& l : r->console_tail) marker |= l.find("ktstr-hang-marker") != std::string::npos;
  EXPECT_TRUE(marker);
  EXPECT_EQ(r->console_log, dir->path() + "/console.log");
  EXPECT_GE(r->timings.total_ms, 12000.0);
  EXPECT_LT(r->timings.total_ms, 20000.0);
  // Hang evidence from QMP: the one vCPU's RIP, resolved with the vmlinux.
  ASSERT_EQ(r->hang_evidence.size(), 1u) << r->reason;
  EXPECT_EQ(r->hang_evidence[0].rfind("vCPU 0 (thread ", 0), 0u) << r->hang_evidence[0];
  EXPECT_NE(r->hang_evidence[0].find("+0x"), std::string::npos) << r->hang_evidence[0];
  EXPECT_NE(r->reason.find(r->hang_evidence[0]), std::string::npos) << r->reason;
}

TEST(VmBoot, KernelPanicIsReportedWithPanicLine) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto req = base_request(kernel, "1n1l1c1t");
  req.cmdline_extra = "rdinit=/nonexistent";  // no init, no root fs: the kernel panics
  req.shell_command = "true";
  auto r = run_in_vm(req);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->verdict, GuestVerdict::kError);
  EXPECT_EQ(r->reason.rfind("kernel panic: Kernel panic - not syncing", 0), 0u) << r->reason;
  EXPECT_TRUE(r->document.is_null());
}

TEST(VmBoot, MissingKernelIsExit3WithFix) {
  auto r = run_cli("vm shell --kernel /nonexistent/vmlinux --exec true");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("ktstr kernel list"), std::string::npos) << r.out;
}

TEST(VmBoot, MissingQemuIsExit3WithFix) {
  auto r = run_cli("vm shell --exec true", "KTSTR_QEMU=/nonexistent/qemu-system-x86_64");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("apt-get install qemu-system-x86"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scripts/setup"), std::string::npos) << r.out;
}

// The reusable --vm flag: the same subcommand re-run inside the guest.
TEST(VmBoot, VmFlagRerunsSubcommandInGuest) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto r = run_cli("vm sysinfo --json --vm --topology 1n2l1c1t --kernel " + kernel);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"llcs\": 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("VM: "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ktstr::vm
