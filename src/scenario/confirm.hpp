// `ktstr run --confirm N`: a scenario whose only failures are timing-sensitive
// checks (check/table.hpp) is run up to N more times, and the attempts fold
// into one outcome with its reproduction rate (docs/scenarios.md "Confirming
// failures"):
//   fail (3/3)   every attempt failed (failed attempts / attempts);
//   flaky (1/3)  at least one attempt passed and at least one failed.
// A hard failure (a non-timing check, an engine error, an interrupt) is
// never retried: what it reports does not depend on how busy the host was.
#pragma once

#include <cstddef>
#include <vector>

#include "scenario/result.hpp"

namespace ktstr::scenario {

// `ktstr run` with no scenario names (the default set) confirms twice; named
// scenarios and files are not confirmed unless asked.
inline constexpr size_t kDefaultSetConfirm = 2;

// True when `r` failed, and every failed check is timing-sensitive, with no
// engine error and no interrupt: the failure may be noise, worth confirming.
bool confirmable(const ScenarioResult& r);

// True when `r` failed for a reason that rerunning cannot change (a failed
// non-timing check, an engine error); confirmation stops there.
bool hard_failure(const ScenarioResult& r);

// Folds the attempts of one scenario (in order; the first is the one that
// failed). One attempt is returned as it is. Several: the first attempt's
// result with every attempt in `attempts`, duration_ms summed, the later
// attempts' warnings added as "attempt K: ...", and the verdict:
//   fail   no attempt passed, or one failed hard (reason "fail (F/N): ...");
//   flaky  some passed, some failed (reason "flaky (F/N): ...");
// where F counts the failed attempts and N all attempts. Interrupted when
// any attempt was.
ScenarioResult fold_attempts(std::vector<ScenarioResult> attempts);

// How many attempts failed ("F" above); 0 or 1 for a scenario without attempts.
size_t failed_attempts(const ScenarioResult& r);

}  // namespace ktstr::scenario
