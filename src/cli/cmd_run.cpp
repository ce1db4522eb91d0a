// `ktstr run [FILE.toml|NAME]...`: runs scenarios on the host and reports
// (text by default, `--json FILE` per docs/results.md).
#include <unistd.h>

#include <cstdlib>

#include "cli/command.hpp"
#include "cli/option_rules.hpp"
#include "cli/run_options.hpp"
#include "report/run_document.hpp"
#include "report/run_text.hpp"
#include "scenario/preflight.hpp"
#include "scenario/run_loop.hpp"
#include "workload/spec.hpp"

namespace ktstr::cli {
namespace {

// The loop settings plus the terminal progress line and per-scenario lines.
Result<scenario::RunLoopOptions> loop_options(const RunOptions& o) {
  auto loop = scenario::loop_options_from_flags(o.run, o.keep_reports());
  if (!loop) return unexpected(loop.error());
  attach_terminal_lines(loop->progress, loop->done);
  return loop;
}

}  // namespace

void attach_terminal_lines(ProgressLine& progress, DoneLine& done) {
  const bool tty = decorations_allowed(STDERR_FILENO);
  if (tty) {
    progress = [](const scenario::Progress& p, size_t index, size_t total) {
      fmt::print(stderr, "\r\033[K{}", report::render_progress(p, index, total));
      std::fflush(stderr);
    };
  }
  done = [tty](const scenario::ScenarioResult& r, size_t index, size_t total) {
    fmt::print(stderr, "{}{}\n", tty ? "\r\033[K" : "", report::render_done_line(r, index, total));
  };
}

void print_run_text(const std::string& text, const RunOptions& o) {
  if (!o.emit().stdout_taken()) {
    fmt::print("{}", text);
  } else if (std::getenv("KTSTR_GUEST_INIT") == nullptr) {  // the host renders a guest's run
    fmt::print(stderr, "{}", text);
  }
}

namespace {

int run(const RunOptions& o) {
  // Bad output paths are exit 2 before anything runs or boots.
  if (auto st = report::check_emit_outputs(o.emit()); !st) return report_error(st.error());
  if (o.dry_run) return dry_run(o);
  if (o.vm.vm) return run_scenarios_in_vm(o);
  auto loop = loop_options(o);
  if (!loop) return report_error(loop.error());
  auto selected = scenario::select_for_run(o.run);
  if (!selected) return report_error(selected.error());
  if (auto st = scenario::preflight_on_host(*selected); !st) return report_error(st.error());
  if (auto st = scenario::check_run_environment(*selected); !st) return report_error(st.error());
  auto run = scenario::run_scenarios(*selected, *loop);
  auto text = report::emit_run(&run, run, o.emit());
  if (!text) return report_error(text.error());
  print_run_text(*text, o);
  return run.exit_code;
}

void setup(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run",
                                 "Run scenarios (files or catalogue names; none = the "
                                 "default set) on this machine");
  cmd->footer(
      "Examples:\n"
      "  sudo ktstr run                          # the default set\n"
      "  sudo ktstr run steady cgroup_cpuset_swap_midrun --duration 5s\n"
      "  sudo ktstr run my_test.toml --json result.json --check max_gap_ms=500\n"
      "  sudo ktstr run --filter 'cgroup_*' --fail-fast --repeat 3\n"
      "  ktstr run steady --vm --topology 1n2l4c1t --kernel sched-ext --scheduler scx_simple\n"
      "Exit codes: 0 pass (skips allowed unless --strict), 1 a check failed, 2 invalid input,\n"
      "3 environment (not root, no cgroup controller; with --strict also any skip),\n"
      "4 inconclusive or flaky (with --strict: 1), 130 interrupted (after cleanup).");
  cmd->add_option("scenarios", o->run.targets, "Scenario files (.toml) or catalogue names/globs");
  cmd->add_option("--duration", o->run.engine.duration,
                  "Override every scenario's duration (e.g. 5s)");
  cmd->add_option("--workers", o->run.engine.workers, "Worker count for every work group")
      ->check(int_in(1, workload::kMaxWorkersPerGroup));
  cmd->add_option("--filter", o->run.filter, "Keep scenarios whose name contains this (or glob)");
  cmd->add_option("--repeat", o->run.repeat, "Run each scenario N times")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--json", o->json, "Write the result document here ('-' = stdout)");
  repeatable(cmd->add_option("--check", o->run.engine.checks,
                             "Override a check: NAME=VALUE|true|false (repeatable)"));
  cmd->add_option("--seed", o->run.engine.seed, "Seed for random affinity (default: from the name)")
      ->check(unsigned_int());
  cmd->add_flag("--raw", o->raw, "Keep every worker report in the JSON");
  cmd->add_option("--confirm", o->run.confirm,
                  "Rerun a scenario whose timing check failed N more times: fail (3/3) or "
                  "flaky (1/3) (default: 2 for the default set, 0 for named scenarios)")
      ->check(CLI::Range(0, 20));
  cmd->add_option("--monitor-period", o->run.engine.monitor_period,
                  "Sampling period of the in-run monitor, 10ms..10s (default 100ms)");
  cmd->add_flag("--ignore-noise", o->run.engine.ignore_noise,
                "Fail timing checks even when the host was noisy (no inconclusive downgrade)");
  cmd->add_flag("--fail-fast", o->run.fail_fast,
                "Stop at the first failure; the rest are listed as skipped");
  cmd->add_flag("--keep-going", o->run.keep_going,
                "Run the remaining scenarios after a failure (the default; kept for scripts)");
  cmd->add_flag("--strict", o->run.strict, "Treat skipped scenarios as an error (exit 3)");
  cmd->add_flag("--dry-run", o->dry_run,
                "Validate everything (with --vm: against the VM topology), list the selected "
                "scenarios and every problem; run nothing");
  cmd->add_option("--junit", o->outputs.junit_path, "Write JUnit XML here (docs/reports.md)");
  cmd->add_option("--html", o->outputs.html_path, "Write the self-contained HTML report here");
  cmd->add_option("--trace", o->outputs.trace_path,
                  "Write a Perfetto/Chrome trace here (open in ui.perfetto.dev)");
  cmd->add_option("--allow-device", o->run.allow_devices,
                  "Block device that I/O work types may overwrite (param device=; repeatable)");
  add_vm_flags(cmd, o->vm);
  cmd->callback([o, &chosen] { chosen = [o] { return run(*o); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("run", setup);

}  // namespace ktstr::cli
