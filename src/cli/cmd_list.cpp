// `ktstr list [work-types|scenarios|checks|presets] [--json]`: catalogues
// generated from the registries.
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/list_catalogues.hpp"

namespace ktstr::cli {
namespace {

struct ListOptions {
  std::string what = "work-types";
  bool json = false;
  bool markdown = false;
};

int run_list(const ListOptions& o) {
  for (const auto& c : list_catalogues()) {
    if (c.name == o.what) {
      if (o.markdown && c.markdown) {
        fmt::print("{}", c.markdown());
      } else if (o.json) {
        fmt::print("{}\n", c.json().dump(2));
      } else {
        fmt::print("{}", c.text());
      }
      return kExitPass;
    }
  }
  std::string names;
  for (const auto& c : list_catalogues()) names += (names.empty() ? "" : ", ") + c.name;
  return report_error(Error{ErrorKind::kInvalidInput,
                            fmt::format("unknown catalogue '{}'; choose one of: {}", o.what, names),
                            0, "ktstr list"});
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
