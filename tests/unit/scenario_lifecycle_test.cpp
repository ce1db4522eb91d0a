// Scheduler lifecycle ops: TOML parsing and validation, the C++ builders,
// the environment check that refuses them where they cannot run, and the
// sysfs wait that confirms them (against a fake sysfs tree).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "scenario/builder.hpp"
#include "scenario/catalogue.hpp"
#include "scenario/lifecycle.hpp"
#include "scenario/toml_loader.hpp"
#include "sched/host_probe.hpp"
#include "sched/lifecycle.hpp"

namespace ktstr::scenario {
namespace {

std::string with_ops(const std::string& ops) {
  return "name = \"lc\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\n"
         "work = [{ type = \"spin_wait\", workers = 1 }]\n[[step]]\nops = [" +
         ops + "]\n";
}

std::string error_of(const std::string& text) {
  auto s = parse_scenario_toml(text, "t.toml");
  return s ? "(parsed)" : s.error().describe();
}

TEST(ScenarioLifecycle, ParsesEveryOpWithTimeoutsAndReplacement) {
  auto s = parse_scenario_toml(
      with_ops("{ op = \"detach_scheduler\" }, { op = \"attach_scheduler\", timeout = \"5s\" },"
               "{ op = \"restart_scheduler\" },"
               "{ op = \"replace_scheduler\", scheduler = \"scx_qmap\", args = [\"-t\", \"4\"] },"
               "{ op = \"replace_scheduler\", args = [\"-v\"] }"),
      "t.toml");
  ASSERT_TRUE(s) << s.error().describe();
  const auto& ops = s->steps.at(0).ops;
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(ops[0].kind, Op::Kind::kDetachScheduler);
  EXPECT_EQ(ops[0].timeout_ns, kLifecycleTimeoutNs);
  EXPECT_EQ(ops[1].kind, Op::Kind::kAttachScheduler);
  EXPECT_EQ(ops[1].timeout_ns, 5'000'000'000u);
  EXPECT_EQ(ops[2].kind, Op::Kind::kRestartScheduler);
  EXPECT_EQ(ops[3].kind, Op::Kind::kReplaceScheduler);
  EXPECT_EQ(ops[3].scheduler, "scx_qmap");
  EXPECT_EQ(ops[3].sched_args, (std::vector<std::string>{"-t", "4"}));
  EXPECT_EQ(describe(ops[3]), "replace_scheduler scx_qmap args [-t 4]");
  EXPECT_EQ(ops[4].scheduler, "");
  EXPECT_EQ(ops[4].sched_args, (std::vector<std::string>{"-v"}));
  EXPECT_TRUE(has_lifecycle_ops(*s));
  EXPECT_EQ(replacement_schedulers({*s}), (std::vector<std::string>{"scx_qmap"}));
}

TEST(ScenarioLifecycle, BadOpsNameTheFieldAndTheFix) {
  EXPECT_NE(
      error_of(with_ops("{ op = \"detach_schedulr\" }")).find("did you mean 'detach_scheduler'"),
      std::string::npos);
  // Replace without another binary or other arguments is a restart in disguise.
  const auto none = error_of(with_ops("{ op = \"replace_scheduler\" }"));
  EXPECT_NE(none.find("t.toml:7"), std::string::npos) << none;
  EXPECT_NE(none.find("replace_scheduler needs scheduler ="), std::string::npos) << none;
  EXPECT_NE(error_of(with_ops("{ op = \"replace_scheduler\", scheduler = \"\" }"))
                .find("scheduler must name a binary"),
            std::string::npos);
  EXPECT_NE(error_of(with_ops("{ op = \"attach_scheduler\", timeout = \"0s\" }"))
                .find("timeout must be > 0"),
            std::string::npos);
  EXPECT_NE(error_of(with_ops("{ op = \"detach_scheduler\", cgroup = \"a\" }")).find("cgroup"),
            std::string::npos);
  EXPECT_NE(error_of(with_ops("{ op = \"restart_scheduler\", scheduler = \"scx_qmap\" }"))
                .find("scheduler"),
            std::string::npos);
}

TEST(ScenarioLifecycle, BuildersMatchTheFileForm) {
  auto s = ScenarioBuilder("lc")
               .cgroup(Cgroup("a").work(Work("spin_wait").workers(1)))
               .step({ops::detach_scheduler(), ops::attach_scheduler(1'000'000'000),
                      ops::replace_scheduler("scx_qmap", std::vector<std::string>{"-t", "4"})})
               .build();
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->steps[0].ops[1].timeout_ns, 1'000'000'000u);
  EXPECT_EQ(s->steps[0].ops[2].scheduler, "scx_qmap");
  auto bad = ScenarioBuilder("lc").step({ops::replace_scheduler("", std::nullopt)}).build();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().describe().find("replace_scheduler needs another binary"),
            std::string::npos);
}

class FakeSysfs : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() / ("ktstr-lifecycle-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "kernel/sched_ext/root");
    set("disabled", "", 3);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void set(const std::string& state, const std::string& ops, int seq) {
    std::ofstream(root_ / "kernel/sched_ext/state") << state << "\n";
    std::ofstream(root_ / "kernel/sched_ext/root/ops") << ops << "\n";
    std::ofstream(root_ / "kernel/sched_ext/enable_seq") << seq << "\n";
  }
  std::filesystem::path root_;
};

TEST_F(FakeSysfs, WaitConfirmsTheChangeOrTimesOutWithTheLastState) {
  std::thread later([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    set("enabled", "simple", 4);
  });
  sched::SchedExtState last;
  std::string why;
  const auto enabled_again = [](const sched::SchedExtState& st) {
    return st.enabled() && st.enable_seq > 3;
  };
  EXPECT_TRUE(sched::wait_for_sched_ext(root_, enabled_again, 2'000'000'000, {}, last, why));
  later.join();
  EXPECT_EQ(last.ops, "simple");
  EXPECT_EQ(last.enable_seq, 4);
  const auto disabled = [](const sched::SchedExtState& st) { return st.state == "disabled"; };
  EXPECT_FALSE(sched::wait_for_sched_ext(root_, disabled, 50'000'000, {}, last, why));
  EXPECT_EQ(why, "not confirmed within 50 ms");
  EXPECT_EQ(last.state, "enabled");
  EXPECT_FALSE(sched::wait_for_sched_ext(
      root_, disabled, 5'000'000'000, [] { return std::string("scheduler exited"); }, last, why));
  EXPECT_EQ(why, "scheduler exited");
}

// scheduler_alive follows what the last confirmed op left, not the start.
TEST_F(FakeSysfs, WatchExpectsTheStateTheLastConfirmedOpLeft) {
  set("enabled", "simple", 3);
  auto watch = sched::SchedExtWatch::on_attached(root_.string());
  ASSERT_TRUE(watch);
  EXPECT_EQ(watch->lost_reason(), "");
  set("disabled", "", 3);
  EXPECT_NE(watch->lost_reason(), "");  // no op asked for it: lost
  sched::set_lifecycle_expected(sched::read_sched_ext_state(root_.string()));
  EXPECT_EQ(watch->lost_reason(), "");  // a detach did
  set("enabled", "simple", 4);
  EXPECT_NE(watch->lost_reason(), "");  // re-enabled behind our back
  sched::set_lifecycle_expected(sched::read_sched_ext_state(root_.string()));
  EXPECT_EQ(watch->lost_reason(), "");  // an attach confirmed it
  sched::clear_lifecycle_expected();
  EXPECT_NE(watch->lost_reason(), "");  // back to the start: enable_seq 3
}

TEST_F(FakeSysfs, LifecycleOpsNeedSchedExtAndASchedulerUnderTest) {
  auto s = parse_scenario_toml(with_ops("{ op = \"detach_scheduler\" }"), "t.toml");
  ASSERT_TRUE(s);
  auto none = check_lifecycle_environment({*s}, (root_ / "missing").string());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(none.error().message.find("sched_ext not available: run with --vm"), std::string::npos);
  ::unsetenv(sched::kEnvSchedulerPath);
  auto no_sched = check_lifecycle_environment({*s}, root_.string());
  ASSERT_FALSE(no_sched);
  EXPECT_NE(no_sched.error().message.find("--scheduler"), std::string::npos);
  auto plain = parse_scenario_toml(with_ops(""), "t.toml");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(check_lifecycle_environment({*plain}, (root_ / "missing").string()));
}

TEST(ScenarioLifecycle, StormScenarioDetachesAndAttachesFiveTimes) {
  const auto* e = find_in_catalogue("scheduler_attach_detach_storm");
  ASSERT_NE(e, nullptr);
  ASSERT_TRUE(e->scenario);
  int detach = 0, attach = 0;
  for (const auto& st : e->scenario->steps) {
    for (const auto& op : st.ops) {
      detach += op.kind == Op::Kind::kDetachScheduler;
      attach += op.kind == Op::Kind::kAttachScheduler;
    }
  }
  EXPECT_EQ(detach, 5);
  EXPECT_EQ(attach, 5);
  EXPECT_FALSE(e->scenario->default_set);
}

TEST(ScenarioLifecycle, RecordsRoundTripThroughJson) {
  sched::LifecycleRecord r;
  r.op = "replace_scheduler";
  r.ops_before = "simple";
  r.ops_after = "qmap";
  r.enable_seq_before = 2;
  r.enable_seq_after = 3;
  r.confirmed = true;
  r.took_ms = 12;
  nlohmann::json j = r;
  auto back = j.get<sched::LifecycleRecord>();
  EXPECT_EQ(back.ops_after, "qmap");
  EXPECT_EQ(back.enable_seq_after, 3);
  EXPECT_EQ(r.describe(),
            "replace_scheduler: simple -> qmap, state  -> , enable_seq 2 -> 3, 12 ms");
}

}  // namespace
}  // namespace ktstr::scenario
