// Relative checks (check/relative.hpp) and expected scheduler failures
// (check/expect.hpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "check/expect.hpp"
#include "check/relative.hpp"
#include "check/table.hpp"

namespace ktstr::check {
namespace {

std::vector<PhaseStats> two_phases(double eevdf_ips, double scx_ips) {
  PhaseStats a;
  a.name = "eevdf";
  a.scheduler = "eevdf";
  a.duration_ms = 1000;
  a.workers = 4;
  a.iterations_per_s = eevdf_ips;
  a.schedstat_available = true;
  a.run_count = 100;
  a.mean_run_delay_us = 20;
  PhaseStats b = a;
  b.name = "scx";
  b.scheduler = "simple";
  b.iterations_per_s = scx_ips;
  b.mean_run_delay_us = 50;
  return {a, b};
}

RelativeCheck rel(const char* metric, std::optional<double> max, std::optional<double> min) {
  return RelativeCheck{metric, "scx", "eevdf", max, min, 0};
}

TEST(RelativeCheck, PassShowsBothValuesAndTheRatio) {
  auto r = evaluate_relative(rel("iterations_per_s", std::nullopt, 0.9), two_phases(1000, 950));
  EXPECT_EQ(r.verdict, Verdict::kPass);
  EXPECT_EQ(r.name, "relative:iterations_per_s:scx/eevdf");
  ASSERT_TRUE(r.value && r.phase_value && r.baseline_value);
  EXPECT_DOUBLE_EQ(*r.value, 0.95);
  EXPECT_DOUBLE_EQ(*r.phase_value, 950);
  EXPECT_DOUBLE_EQ(*r.baseline_value, 1000);
  EXPECT_EQ(*r.threshold, 0.9);
  EXPECT_NE(r.detail.find("ratio 0.950, within >= 0.9"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("'scx' (simple) 950"), std::string::npos) << r.detail;
  nlohmann::json j = r;
  EXPECT_EQ(j["phase_value"], 950);
  EXPECT_EQ(j["baseline_value"], 1000);
  EXPECT_EQ(j.get<CheckResult>().baseline_value, 1000);
}

TEST(RelativeCheck, FailNamesTheViolatedBound) {
  auto low = evaluate_relative(rel("iterations_per_s", std::nullopt, 0.9), two_phases(1000, 500));
  EXPECT_EQ(low.verdict, Verdict::kFail);
  EXPECT_NE(low.detail.find("below min_ratio 0.9"), std::string::npos) << low.detail;
  auto high = evaluate_relative(rel("mean_run_delay_us", 1.5, std::nullopt), two_phases(1, 1));
  EXPECT_EQ(high.verdict, Verdict::kFail);
  EXPECT_DOUBLE_EQ(*high.value, 2.5);
  EXPECT_EQ(*high.threshold, 1.5);
  EXPECT_NE(high.detail.find("above max_ratio 1.5"), std::string::npos) << high.detail;
  // Both bounds: the one violated is reported.
  auto both = evaluate_relative(rel("iterations_per_s", 1.1, 0.9), two_phases(1000, 1200));
  EXPECT_EQ(both.verdict, Verdict::kFail);
  EXPECT_EQ(*both.threshold, 1.1);
}

TEST(RelativeCheck, InconclusiveWithoutAPhaseOrAValue) {
  auto phases = two_phases(1000, 900);
  phases.pop_back();
  auto missing = evaluate_relative(rel("iterations_per_s", 1.5, std::nullopt), phases);
  EXPECT_EQ(missing.verdict, Verdict::kInconclusive);
  EXPECT_NE(missing.detail.find("phase 'scx' did not run"), std::string::npos);
  auto zero = evaluate_relative(rel("iterations_per_s", 1.5, std::nullopt), two_phases(0, 10));
  EXPECT_EQ(zero.verdict, Verdict::kInconclusive);
  auto unmeasured = two_phases(1, 1);
  unmeasured[0].schedstat_available = false;
  EXPECT_EQ(evaluate_relative(rel("mean_run_delay_us", 2, std::nullopt), unmeasured).verdict,
            Verdict::kInconclusive);
}

TEST(RelativeCheck, IsTimingSensitive) {
  EXPECT_TRUE(timing_sensitive("relative:iterations_per_s:scx/eevdf"));
  EXPECT_FALSE(timing_sensitive("relative"));
}

TEST(RelativeCheck, ValidationNamesTheFieldAndTheFix) {
  auto msg = [](RelativeCheck c) {
    auto st = validate_relative_check(c);
    return st ? std::string() : st.error().message;
  };
  EXPECT_EQ(msg(rel("iterations_per_s", 1.5, std::nullopt)), "");
  EXPECT_NE(msg(rel("iterations_per_sec", 1.5, std::nullopt)).find("did you mean"),
            std::string::npos);
  EXPECT_NE(msg(rel("wake_p99_us", 1.5, std::nullopt)).find("not available per phase"),
            std::string::npos);
  EXPECT_NE(msg(rel("iterations_per_s", std::nullopt, std::nullopt)).find("max_ratio and/or"),
            std::string::npos);
  EXPECT_NE(msg(rel("iterations_per_s", -1, std::nullopt)).find("max_ratio must be a number > 0"),
            std::string::npos);
  EXPECT_NE(msg(rel("iterations_per_s", 1, 2)).find("min_ratio 2 is above max_ratio 1"),
            std::string::npos);
  RelativeCheck same = rel("iterations_per_s", 1.5, std::nullopt);
  same.baseline = "scx";
  EXPECT_NE(msg(same).find("both 'scx'"), std::string::npos);
  auto phases = check_relative_phases(rel("iterations_per_s", 1.5, std::nullopt), {"eevdf", "sxc"});
  ASSERT_FALSE(phases);
  EXPECT_NE(phases.error().message.find("phase 'scx' names no step"), std::string::npos);
  EXPECT_NE(phases.error().message.find("did you mean 'sxc'"), std::string::npos)
      << phases.error().message;
}

std::vector<CheckResult> scheduler_checks_failed() {
  CheckResult alive{"scheduler_alive", Verdict::kFail};
  CheckResult gap{"max_gap_ms", Verdict::kFail};
  return {alive, gap};
}

TEST(ExpectedFailure, MetTurnsTheSchedulerFailureIntoAPass) {
  sched::SchedulerHealth h;
  h.name = "scx_qmap";
  h.sched_ext = true;
  h.exit_kind = sched::ExitKind::kError;
  h.exit_detail = "test triggering error";
  auto checks = scheduler_checks_failed();
  apply_expectation({std::string("triggering"), false}, h, checks);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].verdict, Verdict::kPass);
  EXPECT_EQ(checks[1].verdict, Verdict::kSkip);
  EXPECT_EQ(checks[2].name, kExpectedFailureCheck);
  EXPECT_EQ(checks[2].verdict, Verdict::kPass);
  EXPECT_EQ(fold_verdict(checks), Verdict::kPass);
}

TEST(ExpectedFailure, UnmetSaysWhatWasExpectedAndWhatHappened) {
  sched::SchedulerHealth h;
  h.name = "scx_qmap";
  h.sched_ext = true;
  h.exit_kind = sched::ExitKind::kError;
  h.exit_detail = "failed to find ring 3";
  auto checks = scheduler_checks_failed();
  apply_expectation({std::nullopt, true}, h, checks);
  EXPECT_EQ(checks.back().verdict, Verdict::kFail);
  EXPECT_EQ(checks.back().detail,
            "expected a watchdog stall (runnable task stall) from scx_qmap; it exited with an "
            "error: failed to find ring 3");
  EXPECT_EQ(checks[1].verdict, Verdict::kFail);  // untouched when not met

  sched::SchedulerHealth fine;
  fine.name = "scx_simple";
  fine.sched_ext = true;
  std::vector<CheckResult> none;
  apply_expectation({std::string("boom"), false}, fine, none);
  EXPECT_EQ(none.back().verdict, Verdict::kFail);
  EXPECT_NE(none.back().detail.find("an error exit containing 'boom' from scx_simple; it ran to "
                                    "the end without an error"),
            std::string::npos)
      << none.back().detail;
}

TEST(ExpectedFailure, SkipsUnderEevdfAndDoesNothingWithoutAnExpectation) {
  std::vector<CheckResult> checks;
  apply_expectation({}, sched::SchedulerHealth::host_default(), checks);
  EXPECT_TRUE(checks.empty());
  apply_expectation({std::nullopt, true}, sched::SchedulerHealth::host_default(), checks);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].verdict, Verdict::kSkip);
  EXPECT_NE(checks[0].detail.find("eevdf is not one"), std::string::npos);
}

}  // namespace
}  // namespace ktstr::check
