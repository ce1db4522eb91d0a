// `ktstr cleanup`: removes the cgroup trees of runs that died without
// tearing down (see docs/cgroups.md).
#include <unistd.h>

#include "cgroup/cleanup.hpp"
#include "cgroup/cleanup_text.hpp"
#include "cgroup/layout.hpp"
#include "cli/command.hpp"

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
  auto roots = cgroup::live_cgroup_roots();
  if (!roots) return report_error(roots.error());
  cgroup::CleanupReport report = cgroup::cleanup_stale(*roots);
  if (flags.json) {
    fmt::print("{}\n", cgroup::cleanup_to_json(report).dump(2));
  } else {
    fmt::print("{}", cgroup::render_cleanup_text(report));
  }
  for (const auto& e : report.errors) fmt::print(stderr, "ktstr: error: {}\n", e.describe());
  return report.errors.empty() ? kExitPass : kExitFail;
}

void setup_cleanup(CLI::App& app, Action& chosen) {
  auto flags = std::make_shared<CleanupFlags>();
  CLI::App* cmd =
      app.add_subcommand("cleanup",
                         "Remove cgroup trees (ktstr-<pid>) left by runs whose process is gone.\n"
                         "Example: sudo ktstr cleanup --json");
  cmd->add_flag("--json", flags->json, "print {\"removed\": [...], \"errors\": [...]} as JSON");
  cmd->callback([flags, &chosen] { chosen = [flags] { return run_cleanup(*flags); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("cleanup", setup_cleanup);

}  // namespace ktstr::cli
