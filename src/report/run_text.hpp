// Terminal text of `ktstr run` (and `ktstr report FROM`): the run report,
// the line printed as each scenario finishes, and the live progress line.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scenario/engine.hpp"
#include "scenario/result.hpp"

namespace ktstr::report {

// Failures first with their evidence, then skips/inconclusive, a compact
// per-cgroup statistics table, warnings and a summary line.
std::string render_run_text(const scenario::RunResult& run);

// `ktstr run --confirm`: one line per attempt of a scenario that has
// attempts, with the value of every check that failed in any attempt:
// "attempt 2/3: pass  max_spread_pct 8.1 % (limit 15 %)". Empty without
// attempts. The JUnit and HTML reports use the same lines.
std::vector<std::string> render_attempt_lines(const scenario::ScenarioResult& r);

// One line for a finished scenario ("[3/12] steady: pass (3.02s)").
std::string render_done_line(const scenario::ScenarioResult& r, size_t index, size_t total);

// The TTY progress line (no newline; the caller redraws it with \r).
std::string render_progress(const scenario::Progress& p, size_t index, size_t total);

}  // namespace ktstr::report
