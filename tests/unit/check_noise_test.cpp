#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "check/noise.hpp"

namespace ktstr::check {
namespace {

CheckResult failed(const char* name, const char* detail) {
  CheckResult r;
  r.name = name;
  r.verdict = Verdict::kFail;
  r.detail = detail;
  return r;
}

sched::NoiseReport noise(const char* level) {
  sched::NoiseReport n;
  n.level = level;
  n.why = "outside load 0.90 CPU > 0.20 (2 CPUs)";
  n.psi_some_pct = 41;
  n.outside_load_cpus = 0.9;
  return n;
}

TEST(CheckNoise, FailedTimingCheckUnderHighNoiseIsInconclusive) {
  std::vector<CheckResult> checks{
      failed("max_spread_pct", "cgroup cg_0: off-CPU spread 33% > 15%")};
  apply_noise(checks, noise("high"));
  EXPECT_EQ(checks[0].verdict, Verdict::kInconclusive);
  EXPECT_TRUE(checks[0].noise_inconclusive);
  EXPECT_EQ(checks[0].detail,
            "cgroup cg_0: off-CPU spread 33% > 15% — inconclusive: host noise high (outside load "
            "0.90 CPU > 0.20 (2 CPUs), PSI some 41%)");
  EXPECT_EQ(fold_verdict(checks), Verdict::kInconclusive);
}

TEST(CheckNoise, FailedHardCheckUnderHighNoiseStillFails) {
  std::vector<CheckResult> checks{failed("max_gap_ms", "max gap 3500ms > 2000ms"),
                                  failed("not_starved", "worker 1 (tid 9) did 0 work units"),
                                  failed("isolation", "cpu 3 outside the cpuset")};
  apply_noise(checks, noise("high"));
  EXPECT_EQ(checks[0].verdict, Verdict::kInconclusive);
  EXPECT_EQ(checks[1].verdict, Verdict::kFail);
  EXPECT_FALSE(checks[1].noise_inconclusive);
  EXPECT_EQ(checks[1].detail, "worker 1 (tid 9) did 0 work units");
  EXPECT_EQ(checks[2].verdict, Verdict::kFail);
  EXPECT_EQ(fold_verdict(checks), Verdict::kFail);
}

TEST(CheckNoise, LowOrUnknownNoiseChangesNothing) {
  for (const char* level : {"low", "unknown"}) {
    std::vector<CheckResult> checks{failed("max_spread_pct", "spread 33% > 15%")};
    apply_noise(checks, noise(level));
    EXPECT_EQ(checks[0].verdict, Verdict::kFail) << level;
    EXPECT_EQ(checks[0].detail, "spread 33% > 15%");
  }
}

TEST(CheckNoise, PassingChecksStayPassing) {
  CheckResult ok;
  ok.name = "max_spread_pct";
  std::vector<CheckResult> checks{ok};
  apply_noise(checks, noise("high"));
  EXPECT_EQ(checks[0].verdict, Verdict::kPass);
  EXPECT_FALSE(checks[0].noise_inconclusive);
}

TEST(CheckNoise, JsonCarriesTheFlagOnlyWhenSet) {
  auto c = failed("max_spread_pct", "x");
  nlohmann::json j = c;
  EXPECT_FALSE(j.contains("noise_inconclusive"));
  c.noise_inconclusive = true;
  j = c;
  EXPECT_TRUE(j["noise_inconclusive"].get<bool>());
  EXPECT_TRUE(j.get<CheckResult>().noise_inconclusive);
}

}  // namespace
}  // namespace ktstr::check
