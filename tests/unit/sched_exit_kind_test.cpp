// Exit-kind classification (sched/health.hpp classify_exit) from the lines
// a 6.12 sched_ext kernel and the scx user-space loaders really print.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sched/health.hpp"

namespace ktstr::sched {
namespace {

SchedulerHealth attached(const char* name) {
  SchedulerHealth h;
  h.name = name;
  h.sched_ext = true;
  return h;
}

TEST(SchedExitKind, ScxBpfErrorCarriesTheSchedulersMessage) {
  auto h = attached("scx_qmap");
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"qmap\" disabled (scx_bpf_error)");
  apply_kmsg_line(h, "sched_ext: qmap: test triggering error");
  classify_exit(h);
  EXPECT_EQ(h.exit_kind, ExitKind::kError);
  EXPECT_EQ(h.exit_detail, "test triggering error");
  EXPECT_TRUE(h.error_exit);
  EXPECT_FALSE(h.stalled);
  EXPECT_EQ(h.exit_reason, "scx_bpf_error");
}

TEST(SchedExitKind, RuntimeErrorWithoutAMessageUsesTheReason) {
  auto h = attached("scx_simple");
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"simple\" disabled (runtime error)");
  classify_exit(h);
  EXPECT_EQ(h.exit_kind, ExitKind::kError);
  EXPECT_EQ(h.exit_detail, "runtime error");
}

TEST(SchedExitKind, WatchdogStall) {
  auto h = attached("scx_qmap");
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"qmap\" disabled (runnable task stall)");
  apply_kmsg_line(h, "sched_ext: qmap: kworker/1:2[88] failed to run for 5.312s");
  classify_exit(h);
  EXPECT_EQ(h.exit_kind, ExitKind::kStall);
  EXPECT_EQ(h.exit_detail, "sched_ext: qmap: kworker/1:2[88] failed to run for 5.312s");
  EXPECT_TRUE(h.stalled);
  EXPECT_FALSE(h.error_exit);
}

TEST(SchedExitKind, TheLoadersExitLineAloneIsEnough) {
  auto h = attached("scx_qmap");
  h.exit_line = "EXIT: scx_bpf_error (failed to find ring 3 (of 5))";
  h.exit_status = 0;
  classify_exit(h);
  EXPECT_EQ(h.exit_kind, ExitKind::kError);
  EXPECT_EQ(h.exit_detail, "failed to find ring 3 (of 5)");
}

TEST(SchedExitKind, CleanUnregister) {
  auto h = attached("scx_simple");
  h.stopping = true;
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"simple\" disabled (unregistered from user space)");
  h.exit_status = 0;
  classify_exit(h);
  EXPECT_EQ(h.exit_kind, ExitKind::kUnregistered);
  EXPECT_FALSE(h.error_exit);
  EXPECT_TRUE(h.healthy());
}

TEST(SchedExitKind, SignalsSplitIntoCrashAndKilledByUs) {
  auto crash = attached("scx_simple");
  crash.exit_status = 128 + 11;
  classify_exit(crash);
  EXPECT_EQ(crash.exit_kind, ExitKind::kCrashed);
  EXPECT_NE(crash.exit_detail.find("signal 11"), std::string::npos);

  auto killed = attached("scx_simple");
  killed.stopping = true;
  killed.exit_status = 128 + 9;
  classify_exit(killed);
  EXPECT_EQ(killed.exit_kind, ExitKind::kKilled);
}

TEST(SchedExitKind, CleanNonZeroExitIsNotACrash) {
  auto h = attached("scx_simple");
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"simple\" disabled (unregistered from user space)");
  h.exit_status = 1;
  classify_exit(h);
  EXPECT_EQ(h.exit_kind, ExitKind::kExited);
  EXPECT_EQ(h.exit_detail, "exit status 1");
}

TEST(SchedExitKind, StillRunningIsNone) {
  auto h = attached("scx_simple");
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"simple\" enabled");
  classify_exit(h);
  EXPECT_EQ(h.exit_kind, ExitKind::kNone);
  EXPECT_TRUE(h.exit_detail.empty());
}

TEST(SchedExitKind, JsonCarriesTheKindBothWays) {
  auto h = attached("scx_qmap");
  h.exit_kind = ExitKind::kStall;
  h.exit_detail = "x[1] failed to run for 5.000s";
  nlohmann::json j = h;
  EXPECT_EQ(j["exit_kind"], "stall");
  EXPECT_EQ(to_watch_json(h)["exit_kind"], "stall");
  auto back = j.get<SchedulerHealth>();
  EXPECT_EQ(back.exit_kind, ExitKind::kStall);
  EXPECT_EQ(back.exit_detail, h.exit_detail);
  EXPECT_EQ(parse_exit_kind("crashed"), ExitKind::kCrashed);
  EXPECT_FALSE(parse_exit_kind("exploded"));
}

}  // namespace
}  // namespace ktstr::sched
