// Scenario payload ops on real processes and cgroups: a payload runs inside
// its cgroup, its exit status reaches the timeline and the warnings, and a
// payload still running is killed (and reaped) by kill_payload. A
// non-zero exit fails the scenario (the `payload.NAME` check).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leak_checker.hpp"
#include "scenario/builder.hpp"
#include "scenario/engine.hpp"
#include "scenario_support.hpp"
#include "util/file_io.hpp"

namespace ktstr::scenario {
namespace {

std::string temp_path(const std::string& name) {
  return "/tmp/ktstr_payload_test_" + std::to_string(getpid()) + "_" + name;
}

TEST(ScenarioPayload, RunsInItsCgroupReportsItsExitAndIsKilled) {
  KTSTR_SCENARIO_PRECONDITIONS();
  testing::LeakChecker leaks;
  const std::string cgroup_file = temp_path("cgroup");
  const std::string pid_file = temp_path("pid");
  auto s =
      ScenarioBuilder("engine_payload")
          .duration("600ms")
          .cgroup(Cgroup("cg_pay").work(Work("spin_wait").workers(1)))
          .step({ops::run_payload(
                     "short", {"sh", "-c", "cat /proc/self/cgroup > " + cgroup_file + "; exit 3"},
                     "cg_pay"),
                 ops::wait_payload("short", 5'000'000'000),
                 ops::run_payload("long",
                                  {"sh", "-c", "echo $$ > " + pid_file + "; exec sleep 100"})},
                Hold::of(0.5))
          .step({ops::kill_payload("long")}, Hold::of(0.5))
          .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "payload";
  auto r = run_scenario(*s, o);
  EXPECT_TRUE(r.error.empty()) << r.error;
  bool failed = false;  // a non-zero exit fails the scenario naming the payload
  for (const auto& c : r.checks) {
    failed |= c.name == "payload.short" && c.verdict == check::Verdict::kFail &&
              c.detail.find("exited with status 3") != std::string::npos;
  }
  EXPECT_TRUE(failed);
  ASSERT_EQ(r.payloads.size(), 2u);
  EXPECT_EQ(r.payloads[1].name, "long");
  EXPECT_TRUE(r.payloads[1].killed);
  EXPECT_EQ(r.payloads[1].exit, "killed by ktstr (kill_payload)");
  bool event_seen = false;
  for (const auto& e : r.timeline) {
    event_seen |= e.kind == "payload" && e.detail == "short exited with status 3";
  }
  EXPECT_TRUE(event_seen);
  auto cg = read_file(cgroup_file);
  ASSERT_TRUE(cg) << "the payload did not run";
  EXPECT_NE(cg->find("cg_pay"), std::string::npos) << *cg;
  auto pid_text = read_file(pid_file);
  ASSERT_TRUE(pid_text) << "the long payload did not run";
  const std::string proc = "/proc/" + std::to_string(std::stoi(*pid_text));
  struct stat st {};
  EXPECT_NE(::stat(proc.c_str(), &st), 0) << "killed payload still exists";
  EXPECT_EQ(leaks.check(), "");
  ::unlink(cgroup_file.c_str());
  ::unlink(pid_file.c_str());
}

}  // namespace
}  // namespace ktstr::scenario
