// `ktstr topo`: shows the host topology (from sysfs) or the one a spec
// string describes, as text or JSON.
#include <memory>

#include "cli/command.hpp"
#include "topology/render.hpp"
#include "topology/topology.hpp"

namespace ktstr::cli {
namespace {

struct TopoOptions {
  std::string spec;
  std::string sysfs_root = "/sys";
  bool json = false;
};

int run_topo(const TopoOptions& opts) {
  auto t = topo::host_or_synthetic(opts.spec, opts.sysfs_root);
  if (!t) return report_error(t.error());
  if (opts.json) {
    fmt::print("{}\n", topo::to_json(*t).dump(2));
  } else {
    fmt::print("{}", topo::render_text(*t));
  }
  return kExitPass;
}

void setup_topo(CLI::App& app, Action& chosen) {
  auto opts = std::make_shared<TopoOptions>();
  auto* cmd = app.add_subcommand(
      "topo",
      "Show the host CPU topology (CPUs, LLCs, NUMA nodes, SMT) or the one a spec describes.\n"
      "Examples:\n  ktstr topo\n  ktstr topo --spec 2n4l2c2t --json");
  cmd->add_option("--spec", opts->spec,
                  "describe the VM topology NnLlCcTt (nodes, LLCs in total, cores per LLC, "
                  "threads per core), e.g. 1n2l4c2t, or a preset, instead of the host");
  cmd->add_flag("--json", opts->json, "print JSON (layout in docs/topology.md)");
  cmd->add_option("--sysfs-root", opts->sysfs_root,
                  "read devices/system/{cpu,node} under this directory instead of /sys")
      ->capture_default_str();
  cmd->callback([opts, &chosen] { chosen = [opts] { return run_topo(*opts); }; });
}

KTSTR_CLI_COMMAND("topo", setup_topo);

}  // namespace
}  // namespace ktstr::cli
