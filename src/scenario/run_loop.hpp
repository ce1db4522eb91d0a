// The run loop: scenarios x repeats on this machine, one entry point for
// `ktstr run` on the host and inside a VM guest (where the guest init runs
// `ktstr run ... --json -`, reaching it through the CLI).
//
// It validates the run settings into EngineOptions, runs every scenario
// `repeat` times in order to the end (with fail_fast: up to the first
// failure, the rest listed as skipped "not run: --fail-fast"), confirms
// timing-sensitive failures `confirm` more times (scenario/confirm.hpp),
// stops on SIGINT/SIGTERM (after the engine cleaned up), and folds the
// verdicts and the exit code. It prints nothing: the caller renders the
// progress and done callbacks.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scenario/engine.hpp"
#include "scenario/model.hpp"
#include "scenario/result.hpp"
#include "util/result.hpp"

namespace ktstr::scenario {

// The engine settings of `ktstr run`, as the user typed them.
struct EngineSettings {
  std::string duration;             // "" = each scenario's own; else > 0, e.g. "5s"
  std::optional<size_t> workers;    // >= 1 when set
  std::vector<std::string> checks;  // NAME=VALUE overrides
  bool keep_reports = false;
  uint64_t seed = 0;
  bool ignore_noise = false;   // --ignore-noise: no inconclusive downgrade
  std::string monitor_period;  // --monitor-period: "" = 100ms; 10ms..10s
};

// Validated EngineOptions (errors name the flag). Sets the interrupt poll
// and, when a sched_ext scheduler is attached now, a health probe that
// follows it (scheduler_alive fails when it is replaced or detached).
Result<EngineOptions> make_engine_options(const EngineSettings& settings);

// Scenarios with cgroups cannot run without a usable cgroup tree, nor
// scheduler lifecycle ops without sched_ext and a scheduler under test: an
// environment error that says how to fix it, instead of skipping them all.
Status check_run_environment(const std::vector<Scenario>& selected);

struct RunLoopOptions {
  EngineOptions engine;    // per run the loop sets repeat, run_tag and hooks.progress
  size_t repeat = 1;       // runs of each scenario
  size_t confirm = 0;      // extra attempts after a timing-sensitive failure
  bool fail_fast = false;  // stop at the first failure (flaky too, with strict)
  bool strict = false;     // skips -> exit 3, flaky -> exit 1
  // While a scenario runs (index is 1-based over scenarios x repeats).
  std::function<void(const Progress&, size_t index, size_t total)> progress;
  // After each scenario run (its attempts folded).
  std::function<void(const ScenarioResult&, size_t index, size_t total)> done;
};

// Installs the SIGINT/SIGTERM handlers (scenario/interrupt.hpp), probes the
// host and runs. The result has verdict, exit_code, duration and host set;
// selected x repeat scenarios, fewer only when interrupted.
RunResult run_scenarios(const std::vector<Scenario>& selected, const RunLoopOptions& options);

// Exit code for a finished run (cli.md): 130 interrupted, 2 invalid input,
// 1 a check failed or the engine failed, 3 environment, 4 inconclusive or
// flaky, 0 otherwise. With `strict`, skips exit 3 and flaky exits 1.
int run_exit_code(const RunResult& run, bool strict);

}  // namespace ktstr::scenario
