// The guest-side launchers run on the host: the guest command (busybox sh
// -c, as guest init runs it) and the scheduler process, both through
// sys::Subprocess. Needs /bin/busybox, as the guest does.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "leak_checker.hpp"
#include "sched/scheduler.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "vm/guest_command.hpp"

namespace ktstr::vm {
namespace {

#define KTSTR_NEEDS_BUSYBOX() \
  if (::access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "needs /bin/busybox"

TEST(GuestCommand, ShellCommandOutputStderrAndExitCode) {
  KTSTR_NEEDS_BUSYBOX();
  testing::LeakChecker leaks;
  RunRequest req;
  req.shell_command = "echo out; echo err >&2; exit 4";
  auto out = guest::run_watched(req, nullptr, nullptr);
  EXPECT_TRUE(out.started) << out.start_error;
  EXPECT_EQ(out.exit_code, 4);
  EXPECT_EQ(out.stdout_text, "out\n");
  EXPECT_EQ(out.stderr_tail, std::vector<std::string>{"err"});
  EXPECT_FALSE(out.timed_out);
  EXPECT_FALSE(out.stopped_for_scheduler);
  EXPECT_EQ(leaks.check(), "");
}

TEST(GuestCommand, TimeoutStopsTheCommandsWholeGroup) {
  KTSTR_NEEDS_BUSYBOX();
  RunRequest req;
  req.shell_command = "sleep 100 & echo $!; wait";
  req.command_timeout_ms = 300;
  const uint64_t t0 = mono_ns();
  auto out = guest::run_watched(req, nullptr, nullptr);
  EXPECT_GE(mono_ns() - t0, 300'000'000u);
  EXPECT_TRUE(out.started) << out.start_error;
  EXPECT_TRUE(out.timed_out);
  EXPECT_EQ(out.exit_code, 128 + SIGTERM);
  ASSERT_FALSE(out.stdout_text.empty());
  const pid_t grandchild = std::stoi(out.stdout_text);
  EXPECT_TRUE(testing::dies_soon(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST(SchedulerProcess, LogsBothStreamsAndStopsWithSigint) {
  testing::LeakChecker leaks;
  const std::string log = "/tmp/ktstr_sched_proc_test_" + std::to_string(getpid()) + ".log";
  pid_t pid = -1;
  {
    auto p =
        sched::SchedulerProcess::start("/bin/sh", {"-c", "echo out; echo err >&2; sleep 100"}, log);
    ASSERT_TRUE(p) << p.error().describe();
    pid = p->pid();
    EXPECT_TRUE(p->alive());
    p->wait_exit(200);
    EXPECT_FALSE(p->exit_status());
    p->stop(2000);
    EXPECT_FALSE(p->alive());
    EXPECT_EQ(p->exit_status(), 128 + SIGINT);
  }
  struct stat st {};
  EXPECT_NE(::stat(("/proc/" + std::to_string(pid)).c_str(), &st), 0);
  EXPECT_EQ(*read_file(log), "out\nerr\n");
  ::unlink(log.c_str());
  EXPECT_EQ(leaks.check(), "");
}

TEST(SchedulerProcess, MissingBinaryIsAStartError) {
  auto p = sched::SchedulerProcess::start("/nonexistent/scx_none", {}, "/dev/null");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().describe().find("/nonexistent/scx_none"), std::string::npos);
}

}  // namespace
}  // namespace ktstr::vm
