// The run loop's exit code (docs/cli.md) and its engine settings: one
// scenario result per case, then precedence when several apply.
#include <gtest/gtest.h>

#include "scenario/run_loop.hpp"
#include "util/exit_codes.hpp"

namespace ktstr::scenario {
namespace {

using check::Verdict;

ScenarioResult result(Verdict v, std::string error_kind = {}) {
  ScenarioResult r;
  r.name = "s";
  r.verdict = v;
  r.error_kind = parse_error_kind(error_kind);
  return r;
}

RunResult run_of(std::vector<ScenarioResult> scenarios) {
  RunResult run;
  run.scenarios = std::move(scenarios);
  return run;
}

TEST(RunExitCode, OneScenarioEachVerdict) {
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kPass)}), false), kExitPass);
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kFail)}), false), kExitFail);
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kInconclusive)}), false), kExitInconclusive);
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kSkip)}), false), kExitPass);
  EXPECT_EQ(run_exit_code(run_of({}), false), kExitPass);
}

TEST(RunExitCode, StrictTurnsSkipsIntoEnvironment) {
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kPass), result(Verdict::kSkip)}), true),
            kExitEnvironment);
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kPass), result(Verdict::kSkip)}), false),
            kExitPass);
  // Without skips --strict changes nothing.
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kPass)}), true), kExitPass);
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kInconclusive)}), true), kExitInconclusive);
}

TEST(RunExitCode, EngineErrorKinds) {
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kFail, "invalid_input")}), false), kExitInvalid);
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kFail, "environment")}), false),
            kExitEnvironment);
  EXPECT_EQ(run_exit_code(run_of({result(Verdict::kFail, "runtime")}), false), kExitFail);
}

TEST(RunExitCode, Precedence) {
  // interrupted > invalid input > failed > environment/strict skip > inconclusive.
  auto all = run_of({result(Verdict::kInconclusive), result(Verdict::kSkip),
                     result(Verdict::kFail, "environment"), result(Verdict::kFail),
                     result(Verdict::kFail, "invalid_input")});
  EXPECT_EQ(run_exit_code(all, true), kExitInvalid);
  all.interrupted = true;
  EXPECT_EQ(run_exit_code(all, true), kExitInterrupted);
  auto no_invalid = run_of({result(Verdict::kInconclusive), result(Verdict::kFail, "environment"),
                            result(Verdict::kFail)});
  EXPECT_EQ(run_exit_code(no_invalid, false), kExitFail);
  auto env_and_inconclusive =
      run_of({result(Verdict::kInconclusive), result(Verdict::kFail, "environment")});
  EXPECT_EQ(run_exit_code(env_and_inconclusive, false), kExitEnvironment);
  auto skip_and_inconclusive = run_of({result(Verdict::kInconclusive), result(Verdict::kSkip)});
  EXPECT_EQ(run_exit_code(skip_and_inconclusive, true), kExitEnvironment);
  EXPECT_EQ(run_exit_code(skip_and_inconclusive, false), kExitInconclusive);
}

TEST(RunEngineSettings, ValidatesAndNamesTheFlag) {
  auto ok = make_engine_options({"250ms", 3, {"max_gap_ms=500"}, true, 42});
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(ok->duration_ns, 250'000'000u);
  EXPECT_EQ(ok->workers, 3u);
  EXPECT_TRUE(ok->keep_reports);
  EXPECT_EQ(ok->seed, 42u);
  ASSERT_TRUE(ok->hooks.interrupted);

  auto zero = make_engine_options({"0s", std::nullopt, {}, false, 0});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind, ErrorKind::kInvalidInput);
  auto no_workers = make_engine_options({"", 0, {}, false, 0});
  ASSERT_FALSE(no_workers);
  EXPECT_NE(no_workers.error().message.find("--workers"), std::string::npos);
  auto bad_check = make_engine_options({"", std::nullopt, {"max_gap_ms"}, false, 0});
  ASSERT_FALSE(bad_check);
  EXPECT_EQ(bad_check.error().context, "--check");
  auto bad_duration = make_engine_options({"soon", std::nullopt, {}, false, 0});
  ASSERT_FALSE(bad_duration);
  EXPECT_NE(bad_duration.error().describe().find("--duration"), std::string::npos);
}

}  // namespace
}  // namespace ktstr::scenario
