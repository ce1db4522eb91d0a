// The VM flags every `--vm`-capable subcommand shares (cli/vm_flags.cpp
// defines them with CLI11) and the argv rewriting that re-runs a command
// inside the guest without them. Pure, so it is unit-tested here.
#pragma once

#include <string>
#include <vector>

namespace ktstr::vm {

// Flags that take a value ("--kernel X" or "--kernel=X").
inline const std::vector<std::string> kVmValueFlags = {"--kernel",    "--topology", "--scheduler",
                                                       "--sched-arg", "--accel",    "--vm-timeout",
                                                       "--vm-log-dir"};
inline constexpr const char* kVmSwitch = "--vm";

// `args` without --vm and the value flags above (with their values).
std::vector<std::string> strip_vm_flags(const std::vector<std::string>& args);

}  // namespace ktstr::vm
