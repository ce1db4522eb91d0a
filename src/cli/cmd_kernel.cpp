// `ktstr kernel fetch|build|list|clean`: the test kernels VM mode boots.
#include "cli/command.hpp"
#include "cli/option_rules.hpp"
#include "vm/kernel_build.hpp"
#include "vm/kernel_clean.hpp"
#include "vm/kernel_fetch.hpp"
#include "vm/kernel_store.hpp"
#include "vm/kernel_text.hpp"

namespace ktstr::cli {
namespace {

struct KernelArgs {
  bool force = false;
  bool json = false;
  bool all = false;
  vm::BuildOptions build;  // cache_root set when run
  std::vector<std::string> keys;
};

using vm::require_cache_root;

void print_kernel(const vm::KernelInfo& k) {
  fmt::print("{}", vm::render_kernel(k));
}

int do_fetch(const KernelArgs& a) {
  auto root = require_cache_root();
  if (!root) return report_error(root.error());
  auto k = vm::fetch_debian_kernel({*root, a.force});
  if (!k) return report_error(k.error());
  print_kernel(*k);
  return kExitPass;
}

int do_build(const KernelArgs& a) {
  auto root = require_cache_root();
  if (!root) return report_error(root.error());
  vm::BuildOptions opts = a.build;
  opts.cache_root = *root;
  auto k = vm::build_sched_ext_kernel(opts);
  if (!k) return report_error(k.error());
  print_kernel(*k);
  return kExitPass;
}

int do_list(const KernelArgs& a) {
  auto root = require_cache_root();
  if (!root) return report_error(root.error());
  auto kernels = vm::list_kernels(*root);
  if (a.json) {
    fmt::print("{}\n", vm::kernels_to_json(kernels).dump(2));
    return kExitPass;
  }
  if (kernels.empty()) {
    fmt::print("no cached kernels in {} (run `ktstr kernel build` or `ktstr kernel fetch`)\n",
               vm::kernels_dir(*root));
    return kExitPass;
  }
  fmt::print("{}", vm::render_kernel_table(kernels));
  return kExitPass;
}

int do_clean(const KernelArgs& a) {
  auto root = require_cache_root();
  if (!root) return report_error(root.error());
  if (a.keys.empty() && !a.all) {
    fmt::print(stderr, "ktstr: name kernels to remove (see `ktstr kernel list`) or pass --all\n");
    return kExitInvalid;
  }
  auto st = vm::remove_cached_kernels(
      *root, a.keys, a.all, [](const std::string& dir) { fmt::print("removed {}\n", dir); });
  if (!st) return report_error(st.error());
  return kExitPass;
}

void setup(CLI::App& app, Action& chosen) {
  auto args = std::make_shared<KernelArgs>();
  auto* cmd =
      app.add_subcommand("kernel", "Get or build the kernels VM mode boots")->require_subcommand(1);
  cmd->footer(
      "Examples:\n  ktstr kernel build            # sched_ext kernel + scx_* fixtures (~8 min)\n"
      "  ktstr kernel fetch            # Debian 6.12 cloud kernel (EEVDF only)\n"
      "  ktstr kernel list --json\n  ktstr kernel clean --all");
  auto* fetch = cmd->add_subcommand("fetch", "Download Debian's newest 6.12 cloud kernel");
  fetch->add_flag("--force", args->force, "Download again even when cached");
  fetch->callback([&chosen, args] { chosen = [args] { return do_fetch(*args); }; });

  auto* build = cmd->add_subcommand("build", "Build a sched_ext kernel and the scx_* fixtures");
  build->add_option("--source", args->build.source,
                    "Kernel tarball or tree (default /usr/src/linux-source-6.12.tar.xz); a tree "
                    "is built in place");
  build->add_option("--config-fragment", args->build.fragment_path,
                    "Config fragment instead of the built-in configs/sched_ext.config");
  build->add_option("-j,--jobs", args->build.jobs, "Parallel make jobs (default: online CPUs)")
      ->check(int_in(0, 1024));
  build->add_flag("--force", args->build.force, "Rebuild even when cached");
  build->add_flag("--keep-tree", args->build.keep_tree, "Keep the extracted build tree");
  build->callback([&chosen, args] { chosen = [args] { return do_build(*args); }; });

  auto* list = cmd->add_subcommand("list", "Show cached kernels");
  list->add_flag("--json", args->json, "JSON array");
  list->callback([&chosen, args] { chosen = [args] { return do_list(*args); }; });

  auto* clean = cmd->add_subcommand("clean", "Remove cached kernels");
  clean->add_option("keys", args->keys, "Keys from `ktstr kernel list`");
  clean->add_flag("--all", args->all, "Remove every cached kernel and build leftovers");
  clean->callback([&chosen, args] { chosen = [args] { return do_clean(*args); }; });
}

KTSTR_CLI_COMMAND("kernel", setup);

}  // namespace
}  // namespace ktstr::cli
