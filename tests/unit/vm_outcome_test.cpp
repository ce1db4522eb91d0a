// What a finished VM run means for ktstr's exit code and stderr, the `vm`
// section of `run --vm` documents, and the VM time budget.
#include <gtest/gtest.h>

#include "util/exit_codes.hpp"
#include "vm/guest_run_argv.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::vm {
namespace {

VmResult finished(const std::string& verdict, int exit_code) {
  VmResult r;
  r.verdict = parse_guest_verdict(verdict).value();
  r.exit_code = exit_code;
  r.reason = "because";
  r.accel = "tcg";
  r.topology = "1n1l2c1t";
  return r;
}

TEST(VmOutcome, PassReturnsTheGuestExitCode) {
  auto o = vm_outcome(finished("pass", 4));
  EXPECT_EQ(o.exit_code, 4);
  EXPECT_EQ(o.text.rfind("ktstr: VM: tcg", 0), 0u) << o.text;
  EXPECT_EQ(o.text.find("VM run"), std::string::npos) << o.text;
}

TEST(VmOutcome, FailuresMapToCliCodes) {
  auto error = finished("error", -1);
  EXPECT_EQ(vm_outcome(error).exit_code, kExitEnvironment);
  error.timed_out = true;
  EXPECT_EQ(vm_outcome(error).exit_code, kExitFail);
  auto interrupted = finished("fail", 1);
  interrupted.interrupted_by = 2;
  EXPECT_EQ(vm_outcome(interrupted).exit_code, kExitInterrupted);
  // A failed scenario's code passes through unless the scheduler failed.
  auto fail = finished("fail", 4);
  EXPECT_EQ(vm_outcome(fail).exit_code, 4);
  fail.document = {{"scheduler", {{"failure", "stalled"}, {"stall_line", "runnable task stall"}}}};
  auto o = vm_outcome(fail);
  EXPECT_EQ(o.exit_code, kExitFail);
  EXPECT_NE(o.text.find("ktstr: VM run fail: because\n"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("  stall_line: runnable task stall\n"), std::string::npos) << o.text;
}

TEST(VmOutcome, GuestRunDocumentFailsTheRunWhenTheVmFailed) {
  auto ok = finished("pass", 0);
  ok.output = {{"verdict", "pass"}, {"exit_code", 0}, {"scenarios", nlohmann::json::array()}};
  auto g = guest_run_document(ok);
  EXPECT_EQ(g.exit_code, 0);
  EXPECT_TRUE(g.text.empty());
  EXPECT_EQ(g.doc["vm"]["topology"], "1n1l2c1t");
  EXPECT_EQ(g.doc["verdict"], "pass");
  auto bad = ok;
  bad.verdict = GuestVerdict::kFail;
  bad.exit_code = 0;
  auto f = guest_run_document(bad);
  EXPECT_EQ(f.exit_code, kExitFail);
  EXPECT_EQ(f.doc["verdict"], "fail");
  EXPECT_EQ(f.doc["exit_code"], kExitFail);
  EXPECT_FALSE(f.text.empty());
}

TEST(VmOutcome, TimeoutBudgetAddsBootAndSlackPerRun) {
  EXPECT_EQ(run_timeout_budget_ms({}, 1), 90'000u);
  EXPECT_EQ(run_timeout_budget_ms({2'000'000'000, 500'000'000}, 3),
            90'000u + 3 * (2'000 + 15'000) + 3 * (500 + 15'000));
}

TEST(VmOutcome, GuestOutputText) {
  EXPECT_EQ(guest_output_text(nullptr), "");
  EXPECT_EQ(guest_output_text("hello\n"), "hello\n");
  EXPECT_EQ(guest_output_text({{"a", 1}}), "{\n  \"a\": 1\n}\n");
}

}  // namespace
}  // namespace ktstr::vm

namespace ktstr::vm {
namespace {

TEST(GuestRunArgv, ForwardsRunFlagsAndCopiesFiles) {
  GuestRunArgs a;
  a.targets = {"steady", std::string(KTSTR_SOURCE_DIR) + "/scenarios/steady.toml"};
  a.duration = "2s";
  a.workers = 3;
  a.repeat = 2;
  a.checks = {"max_gap_ms=500"};
  a.raw = true;
  a.strict = true;
  std::vector<std::pair<std::string, std::string>> files;
  const auto argv = guest_run_argv(a, files);
  const std::vector<std::string> want = {"run",
                                         "steady",
                                         "/ktstr-scenarios/1-steady.toml",
                                         "--duration",
                                         "2s",
                                         "--workers",
                                         "3",
                                         "--repeat",
                                         "2",
                                         "--check",
                                         "max_gap_ms=500",
                                         "--raw",
                                         "--strict",
                                         "--json",
                                         "-"};
  EXPECT_EQ(argv, want);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].first, a.targets[1]);
  EXPECT_EQ(files[0].second, "/ktstr-scenarios/1-steady.toml");
}

}  // namespace
}  // namespace ktstr::vm
