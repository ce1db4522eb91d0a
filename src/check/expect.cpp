#include "check/expect.hpp"

#include <fmt/format.h>

namespace ktstr::check {
namespace {

std::string expected_text(const SchedulerExpectation& e) {
  if (e.stall && e.error_substring) {
    return fmt::format("a watchdog stall or an error exit containing '{}'", *e.error_substring);
  }
  if (e.stall) return "a watchdog stall (runnable task stall)";
  return fmt::format("an error exit containing '{}'", *e.error_substring);
}

std::string what_happened(const sched::SchedulerHealth& h) {
  using K = sched::ExitKind;
  switch (h.exit_kind) {
    case K::kNone:
      return h.exit_reason.empty()
                 ? "it ran to the end without an error"
                 : "it was lost without an exit the kernel explained: " + h.exit_reason;
    case K::kError:
      return "it exited with an error: " + h.exit_detail;
    case K::kStall:
      return "it stalled: " + h.exit_detail;
    default:
      return fmt::format("it ended as '{}' ({})", sched::to_string(h.exit_kind),
                         h.exit_detail.empty() ? h.exit_reason : h.exit_detail);
  }
}

bool met(const SchedulerExpectation& e, const sched::SchedulerHealth& h) {
  if (e.stall && h.exit_kind == sched::ExitKind::kStall) return true;
  if (!e.error_substring || h.exit_kind != sched::ExitKind::kError) return false;
  const std::string& text = h.exit_detail;
  return text.find(*e.error_substring) != std::string::npos ||
         h.exit_reason.find(*e.error_substring) != std::string::npos;
}

}  // namespace

void apply_expectation(const SchedulerExpectation& e, const sched::SchedulerHealth& health,
                       std::vector<CheckResult>& checks) {
  if (!e.any()) return;
  CheckResult r;
  r.name = kExpectedFailureCheck;
  r.source = ThresholdSource::kTest;
  if (!health.sched_ext) {
    r.verdict = Verdict::kSkip;
    r.detail = fmt::format(
        "expects {} from a sched_ext scheduler, but {} is not one (run with --vm --scheduler)",
        expected_text(e), health.name);
    checks.push_back(std::move(r));
    return;
  }
  const bool ok = met(e, health);
  r.value = ok ? 1 : 0;
  r.verdict = ok ? Verdict::kPass : Verdict::kFail;
  r.detail =
      fmt::format("expected {} from {}; {}", expected_text(e), health.name, what_happened(health));
  for (auto& c : checks) {
    if (!ok || c.verdict == Verdict::kSkip) continue;
    if (c.name == "scheduler_alive" || c.name == "scheduler_clean_exit") {
      c.verdict = Verdict::kPass;
      c.detail = "expected: " + c.detail;
    } else {
      c.verdict = Verdict::kSkip;
      c.detail = "not judged: the scheduler failed as expected; " + c.detail;
    }
  }
  checks.push_back(std::move(r));
}

}  // namespace ktstr::check
