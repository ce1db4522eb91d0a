// `ktstr list [work-types|scenarios|checks|presets] [--json]`: catalogues
// generated from the registries.
#include "cli/command.hpp"
#include "report/catalogues.hpp"

namespace ktstr::cli {
namespace {

struct ListOptions {
  std::string what = "work-types";
  bool json = false;
  bool markdown = false;
};

int run_list(const ListOptions& o) {
  auto c = report::find_catalogue(o.what);
  if (!c) return report_error(c.error());
  using F = report::CatalogueFormat;
  const F format = o.markdown && (*c)->markdown ? F::kMarkdown : o.json ? F::kJson : F::kText;
  fmt::print("{}", report::render_catalogue(**c, format));
  return kExitPass;
}

void setup(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("list", "List catalogues: work-types, scenarios, checks, presets");
  cmd->footer("Example: ktstr list work-types --json");
  cmd->add_option("what", o->what, "Which catalogue (default work-types)");
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->add_flag("--markdown", o->markdown, "Markdown reference (as in docs/)");
  cmd->callback([o, &chosen] { chosen = [o] { return run_list(*o); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("list", setup);

}  // namespace ktstr::cli
