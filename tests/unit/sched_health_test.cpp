#include <gtest/gtest.h>

#include <string>

#include "sched/health.hpp"
#include "sched/kmsg.hpp"
#include "sched/scheduler.hpp"

namespace ktstr::sched {
namespace {

TEST(Kmsg, ParsesRecord) {
  auto r = parse_kmsg_record(
      "3,812,9123456,-;sched_ext: BPF scheduler \"qmap\" disabled "
      "(runnable task stall)\n SUBSYSTEM=x\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->level, 3);
  EXPECT_EQ(r->seq, 812u);
  EXPECT_EQ(r->timestamp_us, 9123456u);
  EXPECT_EQ(r->message, "sched_ext: BPF scheduler \"qmap\" disabled (runnable task stall)");
  EXPECT_FALSE(parse_kmsg_record("no semicolon"));
  EXPECT_FALSE(parse_kmsg_record("x,1,2;msg"));
}

TEST(Kmsg, DisableAndStallLines) {
  auto d = parse_disable_line("sched_ext: BPF scheduler \"qmap\" disabled (scx_bpf_error)");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->ops, "qmap");
  EXPECT_EQ(d->reason, "scx_bpf_error");
  auto u = parse_disable_line(
      "sched_ext: BPF scheduler \"simple\" disabled (unregistered from user space)");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->reason, "unregistered from user space");
  EXPECT_FALSE(parse_disable_line("sched_ext: BPF scheduler \"simple\" enabled"));
  EXPECT_TRUE(is_stall_line("sched_ext: qmap: init[57] failed to run for 7.424s"));
  EXPECT_TRUE(is_stall_line("qmap: kworker/0:1[12] failed to run for 5.000s"));
  EXPECT_FALSE(is_stall_line("sched_ext: qmap: something else"));
}

TEST(SchedulerLog, ExitLineDumpAndTail) {
  std::string log =
      "local=1 global=2\n"
      "\nDEBUG DUMP\n"
      "================================================================================\n\n"
      "qmap[57] triggered exit kind 1025:\n  runnable task stall\n\n"
      "CPU states\n"
      "\n================================================================================\n\n"
      "EXIT: runnable task stall (init[57] failed to run for 7.424s)\n";
  auto s = summarize_scheduler_log(log, 2);
  EXPECT_EQ(s.exit_line, "EXIT: runnable task stall (init[57] failed to run for 7.424s)");
  ASSERT_EQ(s.dump.size(), 4u);
  EXPECT_EQ(s.dump.front(), "qmap[57] triggered exit kind 1025:");
  EXPECT_EQ(s.dump.back(), "CPU states");
  ASSERT_EQ(s.tail.size(), 2u);
  EXPECT_EQ(s.tail[0], "local=1 global=2");
  EXPECT_EQ(s.tail[1], s.exit_line);
}

TEST(Health, KernelReasonReplacesSymptom) {
  SchedulerHealth h;
  h.attached = true;
  h.enable_seq_at_attach = 1;
  apply_state(h, SchedExtState{true, "disabling", "", 1});
  EXPECT_EQ(h.exit_reason, "sched_ext state became 'disabling'");
  apply_kmsg_line(h, "sched_ext: qmap: init[57] failed to run for 7.424s");
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"qmap\" disabled (runnable task stall)");
  EXPECT_EQ(h.exit_reason, "runnable task stall");
  EXPECT_EQ(h.stall_line, "sched_ext: qmap: init[57] failed to run for 7.424s");
  // A later disable line (our own unregister) does not overwrite it.
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"qmap\" disabled (unregistered from user space)");
  EXPECT_EQ(h.exit_reason, "runnable task stall");
  EXPECT_EQ(h.kernel_lines.size(), 3u);
}

TEST(Health, OwnStopIsNotAFailure) {
  SchedulerHealth h;
  h.attached = true;
  h.stopping = true;
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"simple\" disabled (unregistered from user space)");
  EXPECT_TRUE(h.healthy());
  EXPECT_FALSE(h.disable_line.empty());
  h.stopping = false;
  apply_kmsg_line(h, "sched_ext: BPF scheduler \"simple\" disabled (unregistered from user space)");
  EXPECT_EQ(h.exit_reason, "unregistered from user space");  // it quit by itself mid-run
}

TEST(Health, RestartDetectedFromEnableSeq) {
  SchedulerHealth h;
  h.attached = true;
  h.enable_seq_at_attach = 3;
  apply_state(h, SchedExtState{true, "enabled", "simple", 3});
  EXPECT_TRUE(h.healthy());
  apply_state(h, SchedExtState{true, "enabled", "simple", 4});
  EXPECT_EQ(h.exit_reason, "scheduler restarted (enable_seq 3 -> 4)");
  apply_kmsg_line(h, "unrelated line");
  EXPECT_TRUE(h.kernel_lines.empty());
}

TEST(SchedulerSpec, Resolves) {
  std::map<std::string, std::string> fixtures{{"scx_simple", "/bin/true"}};
  auto e = resolve_scheduler("eevdf", {}, fixtures);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->is_eevdf());
  EXPECT_FALSE(resolve_scheduler("eevdf", {"-v"}, fixtures));
  auto f = resolve_scheduler("scx_simple", {"-v"}, fixtures);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->name, "scx_simple");
  EXPECT_EQ(f->path, "/bin/true");
  EXPECT_EQ(f->args, std::vector<std::string>{"-v"});
  auto unknown = resolve_scheduler("scx_nope", {}, fixtures);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("scx_simple"), std::string::npos);
  auto path = resolve_scheduler("/bin/true", {}, {});
  ASSERT_TRUE(path);
  EXPECT_EQ(path->name, "true");
  EXPECT_FALSE(resolve_scheduler("/nonexistent/scx", {}, {}));
}

}  // namespace
}  // namespace ktstr::sched
