// VM flags for any subcommand: `--vm` re-runs the same subcommand inside a
// test VM and prints the guest's output. Two lines per subcommand:
//
//   static vm::VmFlags vm_flags;                        // lives as long as the app
//   cli::add_vm_flags(sub, vm_flags);                   // in setup
//   if (vm_flags.vm) return cli::run_in_vm_and_print(vm_flags);  // first line of the action
//
// The guest runs `ktstr <this process's argv minus the VM flags>` as a child
// of the guest init, under the chosen kernel/topology/scheduler; its stdout
// is printed here, its exit code becomes ours (cli.md codes).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "vm/vm_flags.hpp"

namespace ktstr::cli {

using vm::VmFlags;

// Adds --kernel, --topology, --scheduler, --sched-arg, --accel, --vm-timeout,
// --vm-log-dir, and --vm itself when `with_vm_switch` (env: KTSTR_KERNEL,
// KTSTR_TOPOLOGY, KTSTR_SCHEDULER, KTSTR_ACCEL).
void add_vm_flags(CLI::App* cmd, VmFlags& flags, bool with_vm_switch = true);

// Runs the current command line (minus VM flags) in a VM; prints the guest's
// output to stdout and a one-line VM summary + failures to stderr. Returns
// the exit code to use.
int run_in_vm_and_print(const VmFlags& flags);

// Exit code for a finished VM run (guest exit code, 1 fail, 3 environment,
// 130 interrupted) and printing of the reason; shared by `vm shell`.
int report_vm_result(const vm::VmResult& r);

// The process's argv (set by main before parsing).
void set_process_args(int argc, char** argv);
const std::vector<std::string>& process_args();

}  // namespace ktstr::cli
