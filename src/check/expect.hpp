// Expected scheduler failures (docs/scenarios.md "Expected scheduler
// failures"): negative tests for scheduler authors. A scenario with
// `expect_scheduler_error = "text"` or `expect_stall = true` passes only when
// the scheduler under test ended that way; otherwise it fails saying what
// was expected and what happened.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check/evaluate.hpp"
#include "sched/health.hpp"

namespace ktstr::check {

struct SchedulerExpectation {
  std::optional<std::string> error_substring;  // in the scheduler's error text
  bool stall = false;
  bool any() const { return error_substring.has_value() || stall; }
};

inline constexpr const char* kExpectedFailureCheck = "expected_scheduler_failure";

// Judges the expectation against `health` and appends its result to
// `checks`. When it is met, the scheduler_alive / scheduler_clean_exit
// failures it explains pass ("expected"); every other check is kept but
// skipped (a stalled or dead scheduler makes the workers' numbers meaningless
// in a negative test), its detail kept. EEVDF (not sched_ext): skip, with the
// reason. Nothing happens when `e` expects nothing.
void apply_expectation(const SchedulerExpectation& e, const sched::SchedulerHealth& health,
                       std::vector<CheckResult>& checks);

}  // namespace ktstr::check
