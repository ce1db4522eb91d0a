// Verdicts of checks and scenarios (scenarios.md "Checks").
#pragma once

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr::check {

// pass: measured and within the limit. fail: measured and over it.
// skip: not evaluated because a requirement is missing (the detail says which).
// inconclusive: enabled but the run produced nothing to measure (no samples).
// flaky (scenarios only, `ktstr run --confirm`): a timing-sensitive check
// failed, and at least one confirmation attempt passed while at least one
// failed; neither a clean pass nor a reproduced failure.
enum class Verdict { kPass, kSkip, kInconclusive, kFlaky, kFail };

std::string_view to_string(Verdict v);
Result<Verdict> parse_verdict(std::string_view text);

// Severity order for folding: pass < skip < inconclusive < flaky < fail.
Verdict worst(Verdict a, Verdict b);

}  // namespace ktstr::check
