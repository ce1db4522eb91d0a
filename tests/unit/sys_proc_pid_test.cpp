// procfs parsers behind stuck-process evidence and process identity.
#include <gtest/gtest.h>
#include <unistd.h>

#include "sys/proc_pid.hpp"

namespace ktstr::sys {
namespace {

// Fields 1-22 of a frozen task's stat; its comm has a space and a ')'.
constexpr const char* kStat =
    "4242 (spin wa)t) D 1 4242 4242 0 -1 4194368 97 0 0 0 12 3 0 0 20 0 1 0 7315 "
    "12345 67 18446744073709551615\n";

TEST(SysProcPid, ParsesStateAndStartTimeAfterAnOddComm) {
  EXPECT_EQ(parse_stat_state(kStat), 'D');
  EXPECT_EQ(parse_stat_start_ticks(kStat), 7315u);
  EXPECT_EQ(parse_stat_state("garbage"), std::nullopt);
  EXPECT_EQ(parse_stat_start_ticks("1 (x) S 1 2"), std::nullopt);
  EXPECT_EQ(parse_stat_start_ticks(""), std::nullopt);
}

TEST(SysProcPid, EvidenceNamesStateWchanAndStack) {
  const std::string stack =
      "[<0>] __refrigerator+0x4c/0x130\n[<0>] get_signal+0x7c1/0x8d0\n"
      "[<0>] arch_do_signal_or_restart+0x2e/0x250\n";
  EXPECT_EQ(format_stuck_evidence(kStat, "__refrigerator\n", stack),
            "state D (disk sleep), wchan __refrigerator, stack: __refrigerator <- get_signal <- "
            "arch_do_signal_or_restart");
  EXPECT_EQ(format_stuck_evidence(kStat, "0", ""), "state D (disk sleep)");
  EXPECT_EQ(format_stuck_evidence("", "", ""), "no procfs evidence");
}

TEST(SysProcPid, ReadsTheLiveProcess) {
  auto ticks = process_start_ticks(::getpid());
  ASSERT_TRUE(ticks);
  EXPECT_EQ(process_start_ticks(::getpid()), ticks) << "stable for one process";
  EXPECT_EQ(stuck_evidence(::getpid()).rfind("state R (running)", 0), 0u)
      << stuck_evidence(::getpid());
  EXPECT_EQ(stuck_evidence(0x3ffffff0), "process gone");
}

}  // namespace
}  // namespace ktstr::sys
