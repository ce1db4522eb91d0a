// `ktstr ab [SCENARIO...] --a ARGS --b ARGS`: two configurations run
// interleaved (ABBA...) for --rounds rounds, then compared with the
// corrected statistics of `ktstr compare` (docs/reports.md "ktstr ab").
// Exit 0 no regression, 1 regression, 4 inconclusive, 2 bad input,
// 3 environment, 130 interrupted.
#include <unistd.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/option_rules.hpp"
#include "cli/run_options.hpp"
#include "cli/vm_flags.hpp"
#include "report/compare_ab.hpp"
#include "report/min_effects.hpp"
#include "report/run_text.hpp"
#include "scenario/ab.hpp"
#include "util/output_file.hpp"

namespace ktstr::cli {
namespace {

struct AbCliOptions {
  scenario::AbOptions ab;
  report::CompareOptions compare;
  std::vector<std::string> min_effects;
  std::string json;
};

void set_callbacks(scenario::AbOptions& ab) {
  attach_terminal_lines(ab.progress, ab.done);
  ab.slot_started = [](const std::string& what) { fmt::print(stderr, "ktstr ab: {}\n", what); };
}

int run_ab(AbCliOptions& o) {
  // A bad --json path is exit 2 before hours of rounds, not after.
  if (!o.json.empty() && o.json != "-") {
    if (auto st = check_output_path(o.json, "--json"); !st) return report_error(st.error());
  }
  auto effects = report::parse_min_effects(o.min_effects);
  if (!effects) return report_error(effects.error());
  o.compare.min_effects = *effects;
  o.compare.force = o.ab.force;
  set_callbacks(o.ab);
  auto run = scenario::run_ab(o.ab);
  if (!run) return report_error(run.error());
  auto rep = report::compare_ab(*run, o.compare);
  if (!rep) return report_error(rep.error());
  if (!o.json.empty()) {
    const std::string text = report::ab_to_json(*run, *rep).dump(2) + "\n";
    if (o.json == "-") {
      fmt::print("{}", text);
    } else if (auto st = write_output_file(o.json, text); !st) {
      return report_error(st.error());
    }
  }
  if (o.json != "-") fmt::print("{}", report::render_ab_text(*run, *rep));
  if (run->interrupted) return kExitInterrupted;
  return report::compare_exit_code(*rep);
}

void add_side_flags(CLI::App* cmd, scenario::AbSide& s, const std::string& side) {
  const std::string upper = side == "a" ? "A" : "B";
  cmd->add_option("--" + side, s.run_args,
                  "side " + upper +
                      "'s run flags, one string: --workers N, --duration D, "
                      "--check NAME=VALUE, --seed N");
  cmd->add_option("--" + side + "-scheduler", s.scheduler,
                  "side " + upper + "'s scheduler (with --vm; default --scheduler)");
  repeatable(cmd->add_option("--" + side + "-sched-arg", s.sched_args,
                             "side " + upper + "'s scheduler argument (with --vm; repeatable)"));
  cmd->add_option("--" + side + "-kernel", s.kernel,
                  "side " + upper + "'s kernel (with --vm; default --kernel)");
}

void setup_ab(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<AbCliOptions>();
  auto* cmd = app.add_subcommand(
      "ab", "A/B: run two configurations interleaved (ABBA...) on this machine and compare them");
  cmd->footer(
      "Examples:\n"
      "  sudo ktstr ab steady --a \"--workers 2\" --b \"--workers 4\"\n"
      "  sudo ktstr ab --aa steady --rounds 6          # A/A: the false-alarm check of this "
      "machine\n"
      "  ktstr ab steady --vm --kernel sched-ext --a-scheduler eevdf --b-scheduler scx_simple\n"
      "Exit codes: 0 no significant regression, 1 a significant regression of B, 2 bad input,\n"
      "3 environment, 4 inconclusive (too few rounds for alpha after correction), 130 "
      "interrupted.");
  auto& ab = o->ab;
  cmd->add_option("scenarios", ab.run.targets, "Scenario files (.toml) or catalogue names/globs");
  cmd->add_option("--duration", ab.run.engine.duration, "Override every scenario's duration");
  cmd->add_option("--workers", ab.run.engine.workers, "Worker count for every work group");
  cmd->add_option("--filter", ab.run.filter, "Keep scenarios whose name contains this (or glob)");
  repeatable(cmd->add_option("--check", ab.run.engine.checks,
                             "Override a check: NAME=VALUE (repeatable)"));
  cmd->add_option("--seed", ab.run.engine.seed, "Seed for random affinity");
  add_side_flags(cmd, ab.a, "a");
  add_side_flags(cmd, ab.b, "b");
  cmd->add_flag("--aa", ab.aa, "run side A's configuration on both sides (calibration)");
  cmd->add_option("--rounds", ab.rounds, "rounds; each runs A and B once (AB, BA, AB, ...)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_flag("--force", ab.force, "run and compare even when scenario definitions differ");
  repeatable(
      cmd->add_option("--metric", o->compare.metrics, "compare only this metric (repeatable)"));
  cmd->add_option("--alpha", o->compare.alpha, "family-wise significance level")
      ->capture_default_str();
  repeatable(
      cmd->add_option("--min-effect", o->min_effects, "METRIC=VALUE minimum effect (repeatable)"));
  cmd->add_option("--resamples", o->compare.resamples, "bootstrap resamples")
      ->capture_default_str()
      ->check(CLI::Range(100, 1000000));
  cmd->add_option("--json", o->json,
                  "write both sides' run documents and the comparison here ('-' = stdout)");
  add_vm_flags(cmd, ab.vm);
  cmd->callback([o, &chosen] { chosen = [o] { return run_ab(*o); }; });
}

KTSTR_CLI_COMMAND("ab", setup_ab);

}  // namespace
}  // namespace ktstr::cli
