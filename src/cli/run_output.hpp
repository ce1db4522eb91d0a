// Text rendering of `ktstr run` results and its live progress line.
#pragma once

#include <string>

#include "scenario/engine.hpp"
#include "scenario/result.hpp"

namespace ktstr::cli {

// Failures first with their evidence, then skips/inconclusive, a compact
// per-cgroup statistics table, warnings and a summary line.
std::string render_run_text(const scenario::RunResult& run);

// One line for a finished scenario ("[3/12] steady: pass (3.02s)").
std::string render_done_line(const scenario::ScenarioResult& r, size_t index, size_t total);

// The TTY progress line (no newline; the caller redraws it with \r).
std::string render_progress(const scenario::Progress& p, size_t index, size_t total);

// Host facts for the report header and JSON.
scenario::HostInfo probe_host_info();

// Exit code for a finished run (cli.md): 130 interrupted, 2 invalid input,
// 1 a check failed or the engine failed, 3 environment, 4 inconclusive,
// 0 otherwise (skips count as failures with `strict`: exit 3).
int run_exit_code(const scenario::RunResult& run, bool strict);

}  // namespace ktstr::cli
