#include "scenario/confirm.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "check/table.hpp"

namespace ktstr::scenario {
namespace {

bool any_hard_check_failed(const ScenarioResult& r) {
  return std::any_of(r.checks.begin(), r.checks.end(), [](const check::CheckResult& c) {
    return c.verdict == check::Verdict::kFail && !check::timing_sensitive(c.name);
  });
}

}  // namespace

bool confirmable(const ScenarioResult& r) {
  if (r.verdict != check::Verdict::kFail || r.error_kind || !r.error.empty() || r.interrupted) {
    return false;
  }
  const bool any_failed =
      std::any_of(r.checks.begin(), r.checks.end(),
                  [](const check::CheckResult& c) { return c.verdict == check::Verdict::kFail; });
  return any_failed && !any_hard_check_failed(r);
}

bool hard_failure(const ScenarioResult& r) {
  if (r.verdict != check::Verdict::kFail) return false;
  return r.error_kind || !r.error.empty() || any_hard_check_failed(r);
}

size_t failed_attempts(const ScenarioResult& r) {
  if (r.attempts.empty()) return r.verdict == check::Verdict::kFail ? 1 : 0;
  return static_cast<size_t>(
      std::count_if(r.attempts.begin(), r.attempts.end(),
                    [](const ScenarioResult& a) { return a.verdict == check::Verdict::kFail; }));
}

ScenarioResult fold_attempts(std::vector<ScenarioResult> attempts) {
  if (attempts.empty()) return {};
  if (attempts.size() == 1) return std::move(attempts.front());
  ScenarioResult out = attempts.front();
  size_t passed = 0;
  bool hard = false;
  out.duration_ms = 0;
  for (size_t k = 0; k < attempts.size(); ++k) {
    const auto& a = attempts[k];
    out.duration_ms += a.duration_ms;
    passed += a.verdict == check::Verdict::kPass;
    hard = hard || hard_failure(a);
    out.interrupted = out.interrupted || a.interrupted;
    if (k == 0) continue;
    for (const auto& w : a.warnings)
      out.warnings.push_back(fmt::format("attempt {}: {}", k + 1, w));
  }
  out.attempts = std::move(attempts);
  const size_t failed = failed_attempts(out);
  const size_t n = out.attempts.size();
  const bool flaky = passed > 0 && failed > 0 && !hard;
  out.verdict = flaky ? check::Verdict::kFlaky : check::Verdict::kFail;
  std::string why = out.attempts.front().reason;
  if (hard) {
    for (const auto& a : out.attempts) {
      if (hard_failure(a)) {
        why = a.reason;
        break;
      }
    }
  }
  out.reason = fmt::format("{} ({}/{}): {}", flaky ? "flaky" : "fail", failed, n, why);
  return out;
}

}  // namespace ktstr::scenario
