// The VM flags every `--vm`-capable subcommand shares (--kernel, --topology,
// --scheduler, --sched-arg, --accel, --vm-timeout, --vm-log-dir), as plain
// strings, and the VmRequest they describe. The CLI binds its options to a
// VmFlags; parsing and defaults live here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "vm/run_in_vm.hpp"

namespace ktstr::vm {

struct VmFlags {
  bool vm = false;  // --vm: run the subcommand inside a VM
  std::string kernel = "auto";
  std::string topology = "1n1l2c1t";
  std::string scheduler = "eevdf";
  std::vector<std::string> sched_args;
  std::string accel = "auto";
  std::string timeout;  // duration, e.g. "5m"; empty: default
  std::string log_dir;
};

// The VmRequest these flags describe (no argv/command set). A bad
// --vm-timeout is kInvalidInput with the flag as context.
Result<VmRequest> vm_request_from_flags(const VmFlags& flags);

// Runs `args` (this process's argv without argv[0]) minus the VM flags as a
// ktstr command inside the VM the flags describe.
Result<VmResult> run_command_in_vm(const VmFlags& flags, const std::vector<std::string>& args);

// `ktstr vm shell`: an interactive shell (`exec` empty; wall clock 24 h
// unless --vm-timeout) or one busybox sh command (5 min unless --vm-timeout).
Result<VmRequest> shell_request(const VmFlags& flags, const std::string& exec);

}  // namespace ktstr::vm
