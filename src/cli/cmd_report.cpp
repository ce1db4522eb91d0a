// `ktstr report`: renders a saved run document (`ktstr run --json FILE`)
// into the other report formats, so they can be produced after the fact.
#include <memory>

#include "cli/command.hpp"
#include "report/matrix.hpp"
#include "report/outputs.hpp"
#include "report/run_text.hpp"

namespace ktstr::cli {
namespace {

struct ReportOptions {
  std::string from;
  report::OutputOptions out;
  bool text = false;
};

// A gauntlet or merged document: the matrix in every format.
int report_matrix(const nlohmann::json& doc, const ReportOptions& o) {
  auto m = report::build_matrix(doc, o.from);
  if (!m) return report_error(m.error());
  if (auto st = report::write_matrix_outputs(*m, o.out); !st) return report_error(st.error());
  if (o.text || !o.out.any()) {
    fmt::print(report::writes_stdout(o.out.named()) ? stderr : stdout, "{}",
               report::render_matrix_text(*m));
  }
  return kExitPass;
}

int run_report(const ReportOptions& o) {
  if (auto st = report::check_outputs(o.out.named()); !st) return report_error(st.error());
  auto gauntlet = report::load_gauntlet_document(o.from);
  if (!gauntlet) return report_error(gauntlet.error());
  if (*gauntlet) return report_matrix(**gauntlet, o);
  auto run = report::load_run_document(o.from);
  if (!run) return report_error(run.error());
  if (auto st = report::write_outputs(*run, o.out); !st) return report_error(st.error());
  // The same terminal report `ktstr run` prints; stderr when an output is "-".
  if (o.text || !o.out.any()) {
    fmt::print(report::writes_stdout(o.out.named()) ? stderr : stdout, "{}",
               report::render_run_text(*run));
  }
  return kExitPass;
}

void setup_report(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand(
      "report",
      "Render a saved run (ktstr run --json FILE) as JUnit XML, HTML or a Perfetto trace");
  cmd->footer(
      "Examples:\n"
      "  ktstr report run.json --html run.html --junit junit.xml\n"
      "  ktstr report run.json --trace run.trace.json   # open in ui.perfetto.dev\n"
      "  ktstr report run.json                          # the terminal report again\n"
      "  ktstr report all.json --html matrix.html --junit junit.xml   # a gauntlet's matrix\n"
      "Exit codes: 0 written, 2 unreadable or unsupported FROM, or an output path that cannot\n"
      "be written (checked first; docs/reports.md \"Output files\").");
  cmd->add_option("FROM", o->from,
                  "run document written by `ktstr run --json`, or a gauntlet document (`ktstr "
                  "gauntlet --json`, `ktstr merge`)")
      ->required();
  cmd->add_option("--junit", o->out.junit_path, "write JUnit XML here ('-' = stdout)");
  cmd->add_option("--html", o->out.html_path,
                  "write the self-contained HTML report here ('-' = stdout)");
  cmd->add_option("--trace", o->out.trace_path,
                  "write Chrome/Perfetto trace-event JSON here ('-' = stdout; worker tracks need "
                  "--raw runs)");
  cmd->add_flag("--text", o->text,
                "print the terminal report of `ktstr run` (the default without other outputs)");
  cmd->callback([o, &chosen] { chosen = [o] { return run_report(*o); }; });
}

KTSTR_CLI_COMMAND("report", setup_report);

}  // namespace
}  // namespace ktstr::cli
