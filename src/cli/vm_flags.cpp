#include "cli/vm_flags.hpp"

#include "cli/command.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::cli {
namespace {

std::vector<std::string>& args_storage() {
  static std::vector<std::string> args;
  return args;
}

}  // namespace

void set_process_args(int argc, char** argv) {
  args_storage().assign(argv, argv + argc);
}

const std::vector<std::string>& process_args() {
  return args_storage();
}

void add_vm_flags(CLI::App* cmd, VmFlags& f, bool with_vm_switch) {
  if (with_vm_switch) {
    cmd->add_flag("--vm", f.vm, "Run this command inside a test VM (QEMU)");
  }
  cmd->add_option("--kernel", f.kernel, "VM kernel: auto, sched-ext, debian, a cache key or a path")
      ->envname("KTSTR_KERNEL");
  cmd->add_option("--topology", f.topology,
                  "VM topology: a preset (ktstr list presets) or NnLlCcTt, e.g. 1n2l4c2t")
      ->envname("KTSTR_TOPOLOGY");
  cmd->add_option("--scheduler", f.scheduler,
                  "eevdf, a fixture (scx_simple, scx_qmap, scx_central, scx_flatcg) or a path")
      ->envname("KTSTR_SCHEDULER");
  cmd->add_option("--sched-arg", f.sched_args, "Scheduler argument, one per flag (repeat)")
      ->type_size(1)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--accel", f.accel, "auto, kvm or tcg")->envname("KTSTR_ACCEL");
  cmd->add_option("--vm-timeout", f.timeout, "Wall-clock limit for the VM (e.g. 5m)");
  cmd->add_option("--vm-log-dir", f.log_dir, "Keep the VM console log here");
}

int report_vm_result(const vm::VmResult& r) {
  auto outcome = vm::vm_outcome(r);
  fmt::print(stderr, "{}", outcome.text);
  return outcome.exit_code;
}

int run_in_vm_and_print(const VmFlags& flags) {
  const auto& all = process_args();
  std::vector<std::string> rest(all.size() > 1 ? all.begin() + 1 : all.end(), all.end());
  auto r = vm::run_command_in_vm(flags, rest);
  if (!r) return report_error(r.error());
  fmt::print("{}", vm::guest_output_text(r->output));
  std::fflush(stdout);
  return report_vm_result(*r);
}

}  // namespace ktstr::cli
