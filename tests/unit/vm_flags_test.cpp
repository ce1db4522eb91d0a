// vm::VmFlags: the shared VM flags into a VmRequest, and the `vm shell`
// request with its default wall clocks.
#include <gtest/gtest.h>

#include "vm/vm_flags.hpp"

namespace ktstr::vm {
namespace {

TEST(VmFlags, CopiesEveryFlag) {
  VmFlags f;
  f.kernel = "sched-ext";
  f.topology = "1n2l4c1t";
  f.scheduler = "scx_simple";
  f.sched_args = {"-v"};
  f.accel = "tcg";
  f.timeout = "2m";
  f.log_dir = "/tmp/logs";
  auto r = vm_request_from_flags(f);
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->kernel, "sched-ext");
  EXPECT_EQ(r->topology, "1n2l4c1t");
  EXPECT_EQ(r->scheduler, "scx_simple");
  EXPECT_EQ(r->scheduler_args, std::vector<std::string>{"-v"});
  EXPECT_EQ(r->accel, Accel::kTcg);
  EXPECT_EQ(r->timeout_ms, 120000U);
  EXPECT_EQ(r->log_dir, "/tmp/logs");
  EXPECT_TRUE(r->argv.empty());
}

TEST(VmFlags, NoTimeoutMeansTheDefault) {
  auto r = vm_request_from_flags(VmFlags{});
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->timeout_ms, 0U);
  EXPECT_EQ(r->accel, Accel::kAuto);
}

TEST(VmFlags, BadTimeoutNamesTheFlag) {
  VmFlags f;
  f.timeout = "later";
  auto r = vm_request_from_flags(f);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().context.rfind("--vm-timeout", 0), 0U) << r.error().describe();
}

TEST(VmFlags, BadAccelIsInvalid) {
  VmFlags f;
  f.accel = "hvf";
  auto r = vm_request_from_flags(f);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
}

TEST(VmShellRequest, InteractiveGetsADay) {
  auto r = shell_request(VmFlags{}, "");
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_TRUE(r->interactive);
  EXPECT_EQ(r->shell_command, "");
  EXPECT_EQ(r->timeout_ms, 24ULL * 3600 * 1000);
}

TEST(VmShellRequest, CommandGetsFiveMinutes) {
  auto r = shell_request(VmFlags{}, "uname -r");
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_FALSE(r->interactive);
  EXPECT_EQ(r->shell_command, "uname -r");
  EXPECT_EQ(r->timeout_ms, 300000U);
}

TEST(VmShellRequest, VmTimeoutWins) {
  VmFlags f;
  f.timeout = "10s";
  auto interactive = shell_request(f, "");
  ASSERT_TRUE(interactive.has_value());
  EXPECT_EQ(interactive->timeout_ms, 10000U);
  auto command = shell_request(f, "true");
  ASSERT_TRUE(command.has_value());
  EXPECT_EQ(command->timeout_ms, 10000U);
}

}  // namespace
}  // namespace ktstr::vm
