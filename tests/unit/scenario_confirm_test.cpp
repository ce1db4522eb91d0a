// `ktstr run --confirm`: which failures are confirmed, how attempts fold
// into fail (F/N) or flaky (F/N), and the exit codes of flaky.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scenario/confirm.hpp"
#include "scenario/run_loop.hpp"
#include "util/exit_codes.hpp"

namespace ktstr::scenario {
namespace {

using check::Verdict;

check::CheckResult check_of(const std::string& name, Verdict v, double value, double limit) {
  check::CheckResult c;
  c.name = name;
  c.verdict = v;
  c.value = value;
  c.threshold = limit;
  c.detail = fmt::format("{} {}", name, value);
  return c;
}

// An attempt judged by max_spread_pct (timing-sensitive) at `spread` %.
ScenarioResult spread_attempt(double spread, double duration_ms = 3000) {
  ScenarioResult r;
  r.name = "steady";
  r.duration_ms = duration_ms;
  const bool over = spread > 15;
  r.checks = {check_of("not_starved", Verdict::kPass, 0, 0),
              check_of("max_spread_pct", over ? Verdict::kFail : Verdict::kPass, spread, 15)};
  r.verdict = over ? Verdict::kFail : Verdict::kPass;
  if (over) r.reason = "max_spread_pct: spread " + std::to_string(spread);
  return r;
}

TEST(Confirm, OnlyTimingSensitiveFailuresAreConfirmable) {
  EXPECT_TRUE(confirmable(spread_attempt(19.4)));
  EXPECT_FALSE(confirmable(spread_attempt(8)));  // passed

  auto starved = spread_attempt(19.4);
  starved.checks[0].verdict = Verdict::kFail;  // not_starved is not timing-sensitive
  EXPECT_FALSE(confirmable(starved));
  EXPECT_TRUE(hard_failure(starved));

  auto isolation = spread_attempt(5);
  isolation.checks.push_back(check_of("isolation", Verdict::kFail, 1, 0));
  isolation.verdict = Verdict::kFail;
  EXPECT_FALSE(confirmable(isolation));

  auto error = spread_attempt(19.4);
  error.error_kind = ErrorKind::kRuntime;
  error.error = "spawn failed";
  EXPECT_FALSE(confirmable(error));
  EXPECT_TRUE(hard_failure(error));

  auto interrupted = spread_attempt(19.4);
  interrupted.interrupted = true;
  EXPECT_FALSE(confirmable(interrupted));

  EXPECT_FALSE(hard_failure(spread_attempt(19.4)));
  EXPECT_FALSE(hard_failure(spread_attempt(3)));
}

TEST(Confirm, OneAttemptIsReturnedAsItIs) {
  auto r = fold_attempts({spread_attempt(19.4, 3100)});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(r.attempts.empty());
  EXPECT_DOUBLE_EQ(r.duration_ms, 3100);
  EXPECT_EQ(failed_attempts(r), 1U);
}

TEST(Confirm, EveryAttemptFailingIsFailWithItsRate) {
  auto r = fold_attempts(
      {spread_attempt(19.4, 3000), spread_attempt(21, 3100), spread_attempt(17, 3200)});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  ASSERT_EQ(r.attempts.size(), 3U);
  EXPECT_EQ(failed_attempts(r), 3U);
  EXPECT_EQ(r.reason.rfind("fail (3/3): max_spread_pct", 0), 0U) << r.reason;
  EXPECT_DOUBLE_EQ(r.duration_ms, 9300);
  // The top-level fields are the first attempt's; each attempt keeps its own.
  EXPECT_DOUBLE_EQ(*r.checks[1].value, 19.4);
  EXPECT_DOUBLE_EQ(*r.attempts[1].checks[1].value, 21);
  EXPECT_TRUE(r.attempts[0].attempts.empty());
}

TEST(Confirm, SomePassingIsFlaky) {
  auto a2 = spread_attempt(8);
  a2.warnings = {"overrun: x"};
  auto r = fold_attempts({spread_attempt(19.4), a2, spread_attempt(9)});
  EXPECT_EQ(r.verdict, Verdict::kFlaky);
  EXPECT_EQ(failed_attempts(r), 1U);
  EXPECT_EQ(r.reason.rfind("flaky (1/3): max_spread_pct", 0), 0U) << r.reason;
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_EQ(r.warnings[0], "attempt 2: overrun: x");

  auto two_of_three = fold_attempts({spread_attempt(19.4), spread_attempt(30), spread_attempt(9)});
  EXPECT_EQ(two_of_three.verdict, Verdict::kFlaky);
  EXPECT_EQ(two_of_three.reason.rfind("flaky (2/3)", 0), 0U) << two_of_three.reason;
}

TEST(Confirm, AHardFailureInAConfirmationIsAFail) {
  auto hard = spread_attempt(5);
  hard.checks[0].verdict = Verdict::kFail;
  hard.verdict = Verdict::kFail;
  hard.reason = "not_starved: worker 1 did no work";
  auto r = fold_attempts({spread_attempt(19.4), spread_attempt(4), hard});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.reason, "fail (2/3): not_starved: worker 1 did no work");
}

TEST(Confirm, InconclusiveConfirmationsDoNotMakeItFlaky) {
  auto noisy = spread_attempt(5);
  noisy.verdict = Verdict::kInconclusive;
  auto r = fold_attempts({spread_attempt(19.4), noisy});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.reason.rfind("fail (1/2)", 0), 0U) << r.reason;
}

TEST(Confirm, FlakyFoldsBetweenInconclusiveAndFail) {
  EXPECT_EQ(check::worst(Verdict::kFlaky, Verdict::kInconclusive), Verdict::kFlaky);
  EXPECT_EQ(check::worst(Verdict::kFlaky, Verdict::kFail), Verdict::kFail);
  EXPECT_EQ(check::worst(Verdict::kPass, Verdict::kFlaky), Verdict::kFlaky);
  EXPECT_EQ(check::to_string(Verdict::kFlaky), "flaky");
  EXPECT_EQ(check::parse_verdict("flaky").value(), Verdict::kFlaky);
}

RunResult run_of(std::vector<Verdict> verdicts) {
  RunResult run;
  for (auto v : verdicts) {
    ScenarioResult r;
    r.verdict = v;
    run.scenarios.push_back(r);
  }
  return run;
}

TEST(Confirm, FlakyExitsFourAndOneUnderStrict) {
  EXPECT_EQ(run_exit_code(run_of({Verdict::kPass, Verdict::kFlaky}), false), kExitInconclusive);
  EXPECT_EQ(run_exit_code(run_of({Verdict::kPass, Verdict::kFlaky}), true), kExitFail);
  EXPECT_EQ(run_exit_code(run_of({Verdict::kFlaky, Verdict::kFail}), false), kExitFail);
  // --strict: a flaky failure outranks a skip (exit 1 over 3).
  EXPECT_EQ(run_exit_code(run_of({Verdict::kSkip, Verdict::kFlaky}), true), kExitFail);
  EXPECT_EQ(run_exit_code(run_of({Verdict::kSkip, Verdict::kFlaky}), false), kExitInconclusive);
}

TEST(Confirm, AttemptsRoundTripThroughJson) {
  RunResult run;
  run.confirm = 2;
  run.strict = true;
  run.scenarios.push_back(
      fold_attempts({spread_attempt(19.4), spread_attempt(8), spread_attempt(9)}));
  run.scenarios[0].phases.run_ms = 3012.5;
  run.scenarios[0].phases.control_priority = "SCHED_FIFO 1";
  nlohmann::json j = run;
  ASSERT_TRUE(j["scenarios"][0].contains("attempts"));
  EXPECT_EQ(j["scenarios"][0]["verdict"], "flaky");
  EXPECT_EQ(j["scenarios"][0]["attempts"].size(), 3U);
  EXPECT_FALSE(j["scenarios"][0]["attempts"][0].contains("attempts"));
  auto back = parse_run_result(j.dump());
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(back->confirm, 2U);
  EXPECT_TRUE(back->strict);
  const auto& s = back->scenarios[0];
  EXPECT_EQ(s.verdict, Verdict::kFlaky);
  ASSERT_EQ(s.attempts.size(), 3U);
  EXPECT_EQ(s.attempts[1].verdict, Verdict::kPass);
  EXPECT_DOUBLE_EQ(*s.attempts[2].checks[1].value, 9);
  EXPECT_DOUBLE_EQ(s.phases.run_ms, 3012.5);
  EXPECT_EQ(s.phases.control_priority, "SCHED_FIFO 1");
}

}  // namespace
}  // namespace ktstr::scenario
