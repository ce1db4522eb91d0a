// The scheduler under test inside the VM: the fixture schedulers built by
// `ktstr kernel build` attach, and qmap's fault injection fails the run with
// the kernel's reason and evidence.
#include <gtest/gtest.h>

#include <string>

#include "vm_test_util.hpp"

namespace ktstr::vm {
namespace {

using testing::base_request;

// Four busy loops on a 2-CPU guest for `secs`, then a marker.
std::string busy_workload(int secs) {
  return "for i in 1 2 3 4; do (while :; do :; done) & done; sleep " + std::to_string(secs) +
         "; kill %1 %2 %3 %4; echo workload-done";
}

TEST(VmScheduler, ScxSimpleAttachesAndWorkloadRuns) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto req = base_request(kernel, "1n1l2c1t");
  req.scheduler = "scx_simple";
  req.shell_command = "cat /sys/kernel/sched_ext/root/ops; " + busy_workload(2);
  auto r = run_in_vm(req);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->verdict, GuestVerdict::kPass) << r->reason;
  const auto& s = r->document["scheduler"];
  EXPECT_EQ(s["name"], "scx_simple");
  EXPECT_EQ(s["ops"], "simple");
  EXPECT_EQ(s["attached"], true);
  EXPECT_EQ(s["healthy"], true);
  EXPECT_EQ(s["state"], "enabled");  // last observation during the run
  std::string out = r->output.get<std::string>();
  EXPECT_EQ(out.rfind("simple\n", 0), 0u) << out;
  EXPECT_NE(out.find("workload-done"), std::string::npos) << out;
}

TEST(VmScheduler, QmapStallFailsWithRunnableTaskStall) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto req = base_request(kernel, "1n1l2c1t");
  req.scheduler = "scx_qmap";
  req.scheduler_args = {"-t", "4"};
  req.shell_command = busy_workload(40);
  req.timeout_ms = 60000;  // the stall shows within ~10 s
  auto r = testing::run_in_vm_retrying_hang(req);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->verdict, GuestVerdict::kFail);
  EXPECT_EQ(r->reason, "runnable task stall");
  const auto& s = r->document["scheduler"];
  EXPECT_NE(s["stall_line"].get<std::string>().find("failed to run for"), std::string::npos);
  EXPECT_EQ(s["exit_line"].get<std::string>().rfind("EXIT: runnable task stall", 0), 0u);
  EXPECT_NE(s["disable_line"].get<std::string>().find("\"qmap\" disabled (runnable task stall)"),
            std::string::npos);
  EXPECT_FALSE(s["log_tail"].empty());
}

TEST(VmScheduler, QmapErrorFailsWithScxBpfError) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto req = base_request(kernel, "1n1l2c1t");
  req.scheduler = "scx_qmap";
  req.scheduler_args = {"-e", "1000"};
  req.shell_command = busy_workload(60);
  req.timeout_ms = 90000;
  auto r = testing::run_in_vm_retrying_hang(req);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->verdict, GuestVerdict::kFail);
  EXPECT_EQ(r->reason, "scx_bpf_error");
  const auto& s = r->document["scheduler"];
  EXPECT_NE(s["exit_line"].get<std::string>().find("scx_bpf_error"), std::string::npos);
  EXPECT_FALSE(s["dump"].empty());  // qmap prints a DEBUG DUMP on error exits
}

TEST(VmScheduler, UnknownFixtureIsRejectedBeforeBoot) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  auto req = base_request(kernel, "1n1l2c1t");
  req.scheduler = "scx_does_not_exist";
  req.shell_command = "true";
  auto r = run_in_vm(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(r.error().message.find("scx_simple"), std::string::npos);
}

}  // namespace
}  // namespace ktstr::vm
