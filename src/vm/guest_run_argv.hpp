// The `ktstr run` a VM guest executes for `ktstr run --vm`: the host's run
// flags (VM flags already taken out), scenario files mapped to copies under
// /ktstr-scenarios/, and `--json -` so the result comes back on stdout. The
// flag names are those of cli/cmd_run.cpp, like vm_argv.hpp's VM flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ktstr::vm {

struct GuestRunArgs {
  std::vector<std::string> targets;  // scenario files or catalogue names/globs
  std::string duration;              // "" = not given
  std::optional<size_t> workers;
  std::string filter;
  size_t repeat = 1;
  std::vector<std::string> checks;  // NAME=VALUE
  uint64_t seed = 0;                // 0 = not given
  bool raw = false;                 // keep worker reports (--raw, or for --html/--trace)
  bool fail_fast = false;
  std::optional<size_t> confirm;  // unset = the guest's default
  bool strict = false;
  bool ignore_noise = false;
  std::string monitor_period;  // "" = not given
};

// Appends (host path, guest path) for every target that is a regular file
// to `files` (the initramfs copies them in) and returns the guest argv.
std::vector<std::string> guest_run_argv(const GuestRunArgs& args,
                                        std::vector<std::pair<std::string, std::string>>& files);

}  // namespace ktstr::vm
