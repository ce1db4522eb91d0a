// Scheduler lifecycle ops in a VM, end to end: a scenario detaches,
// re-attaches, replaces and restarts the scheduler under test while workers
// run; each op is confirmed by the kernel's sched_ext state and recorded, the
// guest init does not count the intended exits as failures, and the scheduler
// the run started with is restored at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vm_test_util.hpp"

namespace ktstr::vm {
namespace {

constexpr const char* kScenario = R"(name = "vm_lifecycle_case"
duration = "2s"
[[cgroup]]
name = "busy"
work = [{ type = "spin_wait", workers = 2 }, { type = "futex_ping_pong", workers = 2 }]
[[step]]
hold = "300ms"
[[step]]
ops = [{ op = "detach_scheduler" }]
hold = "300ms"
[[step]]
ops = [{ op = "attach_scheduler" }, { op = "replace_scheduler", scheduler = "scx_qmap" }]
hold = "300ms"
[[step]]
ops = [{ op = "restart_scheduler" }]
[checks]
max_gap_ms = 10000
)";

TEST(VmLifecycle, DetachAttachReplaceRestartAreConfirmedAndRecorded) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  const std::string file = fmt::format("/tmp/ktstr-vmlc-{}.toml", getpid());
  const std::string out = fmt::format("/tmp/ktstr-vmlc-{}.json", getpid());
  std::ofstream(file) << kScenario;
  auto r = testing::run_cli("run " + file +
                            " --vm --kernel sched-ext --topology 1n1l2c1t --scheduler scx_simple "
                            "--json " +
                            out);
  ::unlink(file.c_str());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("scheduler lifecycle:"), std::string::npos) << r.out;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  ::unlink(out.c_str());
  auto j = nlohmann::json::parse(ss.str());
  const auto& s = j["scenarios"].at(0);
  EXPECT_EQ(s["verdict"], "pass");
  const auto& lc = s["lifecycle"];
  ASSERT_EQ(lc.size(), 5u) << lc.dump(1);
  const char* ops[] = {"detach_scheduler", "attach_scheduler", "replace_scheduler",
                       "restart_scheduler", "restore_scheduler"};
  double last_at = 0;
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(lc[i]["op"], ops[i]);
    EXPECT_EQ(lc[i]["confirmed"], true) << lc[i].dump();
    EXPECT_GT(lc[i]["at_ms"].get<double>(), last_at);
    last_at = lc[i]["at_ms"].get<double>();
  }
  // Detach: the kernel went from "simple" enabled to disabled.
  EXPECT_EQ(lc[0]["state_before"], "enabled");
  EXPECT_EQ(lc[0]["ops_before"], "simple");
  EXPECT_EQ(lc[0]["state_after"], "disabled");
  EXPECT_EQ(lc[0]["ops_after"], "");
  // Every attach is a new enable: enable_seq goes up each time.
  for (size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(lc[i]["state_after"], "enabled");
    EXPECT_GT(lc[i]["enable_seq_after"].get<int64_t>(), lc[i]["enable_seq_before"].get<int64_t>());
  }
  EXPECT_EQ(lc[1]["ops_after"], "simple");
  EXPECT_EQ(lc[2]["ops_before"], "simple");
  EXPECT_EQ(lc[2]["ops_after"], "qmap");
  EXPECT_EQ(lc[3]["ops_after"], "qmap");
  EXPECT_EQ(lc[4]["ops_after"], "simple");
  // The guest init handed the scheduler over instead of flagging its exit.
  EXPECT_EQ(j["vm"]["scheduler"]["handed_over"], true) << j["vm"]["scheduler"].dump();
  EXPECT_EQ(j["vm"]["scheduler"]["healthy"], true);
}

}  // namespace
}  // namespace ktstr::vm
