// `ktstr cleanup`: kills what is left in the cgroup trees of runs that died
// without tearing down, removes those trees and the runs' temp dirs (see
// docs/cgroups.md).
#include <unistd.h>

#include "cli/command.hpp"
#include "scenario/dead_runs.hpp"

namespace ktstr::cli {
namespace {

struct CleanupFlags {
  bool json = false;
};

int run_cleanup(const CleanupFlags& flags) {
  if (::geteuid() != 0) {
    return report_error(Error{ErrorKind::kEnvironment,
                              "removing cgroups needs root; run `sudo ktstr cleanup`", 0,
                              "cleanup"});
  }
  scenario::DeadRunSweep sweep = scenario::sweep_dead_runs();
  if (flags.json) {
    fmt::print("{}\n", scenario::sweep_to_json(sweep).dump(2));
  } else {
    fmt::print("{}", scenario::render_sweep_text(sweep));
  }
  for (const auto& e : sweep.cgroups.errors) fmt::print(stderr, "ktstr: error: {}\n", e.describe());
  for (const auto& e : sweep.temp_dirs.errors) {
    fmt::print(stderr, "ktstr: error: {}\n", e.describe());
  }
  return sweep.cgroups.errors.empty() && sweep.temp_dirs.errors.empty() ? kExitPass : kExitFail;
}

void setup_cleanup(CLI::App& app, Action& chosen) {
  auto flags = std::make_shared<CleanupFlags>();
  CLI::App* cmd = app.add_subcommand(
      "cleanup",
      "Kill what is left in cgroup trees (ktstr-<pid>) of runs whose process is\n"
      "gone, remove those trees and the runs' temp dirs (/tmp/ktstr-*).\n"
      "Example: sudo ktstr cleanup --json");
  cmd->add_flag("--json", flags->json,
                "print {\"removed\": [...], \"temp_dirs_removed\": [...], \"errors\": [...]}");
  cmd->callback([flags, &chosen] { chosen = [flags] { return run_cleanup(*flags); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("cleanup", setup_cleanup);

}  // namespace ktstr::cli
