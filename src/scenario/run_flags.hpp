// The scenario flags of `ktstr run` as the user typed them (the CLI binds
// its options to a RunFlags), and what the host run and the VM run make of
// them. Output flags (--json, --junit, ...) belong to the report layer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scenario/model.hpp"
#include "scenario/run_loop.hpp"
#include "util/result.hpp"
#include "vm/guest_run_argv.hpp"
#include "vm/run_in_vm.hpp"
#include "vm/vm_flags.hpp"

namespace ktstr::scenario {

struct RunFlags {
  std::vector<std::string> targets;  // scenario files or catalogue names/globs
  std::string filter;
  size_t repeat = 1;
  std::optional<size_t> confirm;  // --confirm; unset = confirm_count's default
  bool fail_fast = false;
  bool keep_going = false;  // --keep-going: accepted, the default since --fail-fast exists
  bool strict = false;
  EngineSettings engine;  // --duration, --workers, --check, --seed (keep_reports unused)
  std::vector<std::string> allow_devices;  // --allow-device (workload/io_devices.hpp)
};

// Extra attempts after a timing-sensitive failure: --confirm, else
// kDefaultSetConfirm for the default set (no scenario names) and 0 for named
// scenarios and files.
size_t confirm_count(const RunFlags& f);

// The run loop settings (no progress/done callbacks) with validated engine
// options; `keep_reports` keeps every worker report (--raw, --html, --trace).
Result<RunLoopOptions> loop_options_from_flags(const RunFlags& f, bool keep_reports);

// The selected scenarios; an empty selection is kInvalidInput naming the
// filter and `ktstr list scenarios`.
Result<std::vector<Scenario>> select_for_run(const RunFlags& f);

// `ktstr run --vm`: the VmRequest of `vm_flags` running `ktstr run ... --json
// -` in the guest (scenario files added to extra_files). The host resolves
// the selection first, so bad names fail fast (kInvalidInput); without
// --vm-timeout the VM's wall clock is vm::run_timeout_budget_ms over the
// planned durations (--duration overrides each, as in the guest).
Result<vm::VmRequest> vm_run_request(const vm::VmFlags& vm_flags, const RunFlags& f,
                                     bool keep_reports);

}  // namespace ktstr::scenario
