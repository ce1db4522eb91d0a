// `ktstr compare A.json B.json`: A/B comparison of two runs with repeats
// (statistics in docs/reports.md). Exit 1 on a significant regression,
// 0 otherwise, 2 on bad input.
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "report/compare.hpp"
#include "report/min_effects.hpp"

namespace ktstr::cli {
namespace {

struct CompareCliOptions {
  std::string a, b;
  std::vector<std::string> metrics;
  std::vector<std::string> min_effects;  // metric=value
  double alpha = 0.05;
  int resamples = report::kBootstrapResamples;
  bool json = false;
};

// Every input problem, including an unreadable file, is exit 2.
int input_error(Error e) {
  e.kind = ErrorKind::kInvalidInput;
  return report_error(e);
}

int run_compare(const CompareCliOptions& o) {
  auto a = report::load_compare_input(o.a);
  if (!a) return input_error(a.error());
  auto b = report::load_compare_input(o.b);
  if (!b) return input_error(b.error());
  auto effects = report::parse_min_effects(o.min_effects);
  if (!effects) return input_error(effects.error());
  report::CompareOptions opts;
  opts.alpha = o.alpha;
  opts.metrics = o.metrics;
  opts.min_effects = *effects;
  opts.resamples = o.resamples;
  auto rep = report::compare_runs(*a, *b, opts);
  if (!rep) return input_error(rep.error());
  if (o.json) {
    fmt::print("{}\n", report::compare_to_json(*rep).dump(2));
  } else {
    fmt::print("{}", report::render_compare_text(*rep));
  }
  return rep->regressions > 0 ? kExitFail : kExitPass;
}

void setup_compare(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<CompareCliOptions>();
  auto* cmd = app.add_subcommand(
      "compare",
      "A/B comparison of two runs with repeats: means, B-A with a bootstrap CI, Mann-Whitney "
      "p-values per scenario and metric");
  cmd->footer(
      "Examples:\n"
      "  ktstr compare base.json new.json\n"
      "  ktstr compare base.json new.json --metric wake_p99_us --min-effect wake_p99_us=10%,5 "
      "--json\n"
      "Exit codes: 0 no significant regression, 1 a significant regression, 2 bad input.\n"
      "Use --repeat 3 or more on both runs (docs/reports.md explains the statistics).");
  cmd->add_option("A", o->a, "baseline run document")->required();
  cmd->add_option("B", o->b, "candidate run document")->required();
  cmd->add_option("--metric", o->metrics,
                  "compare only this metric (repeatable; default all; list in docs/reports.md)");
  cmd->add_option("--alpha", o->alpha, "significance level")->capture_default_str();
  cmd->add_option("--min-effect", o->min_effects,
                  "METRIC=VALUE minimum effect for a regression: absolute (2) or relative to "
                  "A's mean (10%); repeatable");
  cmd->add_option("--resamples", o->resamples, "bootstrap resamples")
      ->capture_default_str()
      ->check(CLI::Range(100, 1000000));
  cmd->add_flag("--json", o->json, "print the comparison as JSON (docs/reports.md)");
  cmd->callback([o, &chosen] { chosen = [o] { return run_compare(*o); }; });
}

KTSTR_CLI_COMMAND("compare", setup_compare);

}  // namespace
}  // namespace ktstr::cli
