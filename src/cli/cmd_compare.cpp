// `ktstr compare A.json B.json`: A/B comparison of two runs with repeats
// (statistics in docs/reports.md). Exit 1 on a significant regression,
// 4 when inconclusive (too few repeats after correction), 0 otherwise, 2 on
// bad input or different scenario definitions without --force.
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/option_rules.hpp"
#include "report/min_effects.hpp"

namespace ktstr::cli {
namespace {

struct CompareCliOptions {
  report::CompareFiles files;  // A, B, --metric, --min-effect, --alpha, --resamples
  bool json = false;
};

int run_compare(const CompareCliOptions& o) {
  auto rep = report::compare_files(o.files);
  if (!rep) return report_error(rep.error());
  if (o.json) {
    // The text carries the warnings; with --json they still reach a person.
    for (const auto& w : rep->fingerprint_warnings) fmt::print(stderr, "ktstr: warning: {}\n", w);
    fmt::print("{}\n", report::compare_to_json(*rep).dump(2));
  } else {
    fmt::print("{}", report::render_compare_text(*rep));
  }
  return report::compare_exit_code(*rep);
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
      "Exit codes: 0 no significant regression, 1 a significant regression, 2 bad input or\n"
      "different scenario definitions (--force compares anyway), 4 inconclusive (too few\n"
      "repeats to reach alpha after the Holm correction; docs/reports.md explains).");
  cmd->add_option("A", o->files.a, "baseline run document")->required();
  cmd->add_option("B", o->files.b, "candidate run document")->required();
  repeatable(cmd->add_option(
      "--metric", o->files.options.metrics,
      "compare only this metric (repeatable; default all; list in docs/reports.md)"));
  cmd->add_option("--alpha", o->files.options.alpha, "significance level")->capture_default_str();
  repeatable(cmd->add_option("--min-effect", o->files.min_effects,
                             "METRIC=VALUE minimum effect for a regression: absolute (2) or "
                             "relative to A's mean (10%); repeatable"));
  cmd->add_option("--resamples", o->files.options.resamples, "bootstrap resamples")
      ->capture_default_str()
      ->check(CLI::Range(100, 1000000));
  cmd->add_flag("--force", o->files.options.force,
                "compare scenarios whose definitions differ between A and B");
  cmd->add_flag("--json", o->json, "print the comparison as JSON (docs/reports.md)");
  cmd->callback([o, &chosen] { chosen = [o] { return run_compare(*o); }; });
}

KTSTR_CLI_COMMAND("compare", setup_compare);

}  // namespace
}  // namespace ktstr::cli
