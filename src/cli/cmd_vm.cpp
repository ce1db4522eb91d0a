// `ktstr vm shell|sysinfo`: boot the test VM interactively or for one
// command, and show what a (guest) kernel reports about itself.
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/vm_flags.hpp"
#include "vm/sysinfo.hpp"

namespace ktstr::cli {
namespace {

struct ShellArgs {
  VmFlags vm;
  std::string exec;
};

int do_shell(const ShellArgs& a) {
  auto req = vm::shell_request(a.vm, a.exec);
  if (!req) return report_error(req.error());
  if (req->interactive) {
    fmt::print(stderr, "ktstr: booting {}; `exit` or Ctrl-D powers the VM off\n", a.vm.topology);
  }
  auto r = vm::run_in_vm(*req);
  if (!r) return report_error(r.error());
  if (r->output.is_string()) fmt::print("{}", r->output.get<std::string>());
  std::fflush(stdout);
  return report_vm_result(*r);
}

struct SysinfoArgs {
  VmFlags vm;
  bool json = false;
};

int do_sysinfo(const SysinfoArgs& a) {
  if (a.vm.vm) return run_in_vm_and_print(a.vm);
  auto info = vm::read_sysinfo("/sys");
  if (!info) return report_error(info.error());
  if (a.json) {
    fmt::print("{}\n", vm::to_json(*info).dump(2));
  } else {
    fmt::print("{}", vm::render_sysinfo_text(*info));
  }
  return kExitPass;
}

void setup(CLI::App& app, Action& chosen) {
  auto* cmd = app.add_subcommand("vm", "Boot the test VM")->require_subcommand(1);
  auto shell = std::make_shared<ShellArgs>();
  auto* sh = cmd->add_subcommand("shell", "Boot a VM and run a shell (or --exec CMD)");
  sh->footer(
      "Examples:\n  ktstr vm shell --topology 1n2l2c1t\n"
      "  ktstr vm shell --topology 2n4l2c1t --exec 'cat /sys/devices/system/node/online'\n"
      "  ktstr vm shell --kernel sched-ext --scheduler scx_simple --exec 'cat "
      "/sys/kernel/sched_ext/root/ops'");
  add_vm_flags(sh, shell->vm, /*with_vm_switch=*/false);
  sh->add_option("--exec", shell->exec, "Run this busybox sh command, print its output, power off");
  sh->callback([&chosen, shell] { chosen = [shell] { return do_shell(*shell); }; });

  auto info = std::make_shared<SysinfoArgs>();
  auto* si = cmd->add_subcommand("sysinfo",
                                 "Kernel, CPU topology and sched_ext state (--vm: the guest's)");
  si->footer("Example:\n  ktstr vm sysinfo --vm --topology 2n4l2c1t --json");
  add_vm_flags(si, info->vm);
  si->add_flag("--json", info->json, "JSON output");
  si->callback([&chosen, info] { chosen = [info] { return do_sysinfo(*info); }; });
}

KTSTR_CLI_COMMAND("vm", setup);

}  // namespace
}  // namespace ktstr::cli
