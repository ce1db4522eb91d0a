// `ktstr merge A.json B.json ... -o all.json`: one document from the shard
// documents of a gauntlet (docs/gauntlet.md).
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "gauntlet/merge.hpp"
#include "util/output_file.hpp"

namespace ktstr::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output = "-";
};

int run_merge(const MergeOptions& o) {
  if (o.output != "-") {
    if (auto st = check_output_path(o.output, "--output"); !st) return report_error(st.error());
  }
  auto shards = gauntlet::load_shards(o.inputs);
  if (!shards) return report_error(shards.error());
  auto m = gauntlet::merge_shards(*shards);
  if (!m) return report_error(m.error());
  const std::string text = m->doc.dump(2) + "\n";
  if (o.output == "-") {
    fmt::print("{}", text);
  } else if (auto st = write_output_file(o.output, text); !st) {
    return report_error(st.error());
  }
  fmt::print(stderr, "ktstr: {}", gauntlet::render_merge_text(*m));
  return m->command_exit_code();
}

void setup(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<MergeOptions>();
  auto* cmd = app.add_subcommand("merge", "Join the shard documents of a gauntlet into one");
  cmd->footer(
      "Example:\n  ktstr merge shard-1.json shard-2.json shard-3.json -o all.json\n"
      "Exit codes: the worst job's (0 all passed), 4 when shards are missing, 2 when the\n"
      "documents are not shards of one job list or a shard is given twice.");
  cmd->add_option("shards", o->inputs, "Shard documents (ktstr gauntlet ... --json > FILE)")
      ->required();
  cmd->add_option("-o,--output", o->output, "Write the merged document here ('-' = stdout)")
      ->capture_default_str();
  cmd->callback([o, &chosen] { chosen = [o] { return run_merge(*o); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("merge", setup);

}  // namespace ktstr::cli
