// What a finished VM run means for the `ktstr` process: its exit code and
// the lines that explain a failure, and the result document of `ktstr run
// --vm` (the guest's document plus a `vm` section). Text is returned, not
// printed: the CLI decides where it goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vm/run_in_vm.hpp"

namespace ktstr::vm {

struct VmOutcome {
  // The guest command's exit code when the VM run passed; else 1 fail (or
  // timeout), 3 environment, 130 interrupted (docs/cli.md).
  int exit_code = 1;
  std::string text;  // for stderr: the VM summary line and why it failed
};

VmOutcome vm_outcome(const VmResult& r);

// The `vm` section of a run document (docs/results.md).
nlohmann::json vm_section(const VmResult& r);

// The guest command's output as `--vm` prints it: text as is, a JSON
// document indented with a newline, nothing when there is none.
std::string guest_output_text(const nlohmann::json& output);

struct GuestRunDocument {
  nlohmann::json doc;  // the guest's run document with the `vm` section
  int exit_code = 1;
  std::string text;  // for stderr; empty when the VM run passed
};

// For a VmResult whose output is the guest's run document: when the VM or
// the scheduler failed (stall, error exit, death) the run fails even if the
// scenarios' own checks did not (verdict "fail", exit code never 0).
GuestRunDocument guest_run_document(const VmResult& r);

// Wall-clock budget for a VM that runs scenarios of these durations (ns)
// `repeat` times each: boot and scheduler attach under TCG plus per-scenario
// setup, teardown and checks.
uint64_t run_timeout_budget_ms(const std::vector<uint64_t>& durations_ns, size_t repeat);

}  // namespace ktstr::vm
