// Options of `ktstr run`, shared by the host path (cmd_run.cpp) and the VM
// path (run_vm.cpp), which forwards them to the guest.
#pragma once

#include <functional>
#include <string>

#include "cli/vm_flags.hpp"
#include "report/run_document.hpp"
#include "scenario/run_flags.hpp"

namespace ktstr::cli {

struct RunOptions {
  scenario::RunFlags run;  // what to run and how (CLI11 option storage)
  std::string json;
  bool raw = false;
  bool dry_run = false;
  VmFlags vm;
  report::OutputOptions outputs;  // --junit, --html, --trace

  // Worker reports are kept for the JSON only with --raw, but the trace and
  // the HTML per-worker charts need them.
  bool keep_reports() const {
    return raw || !outputs.trace_path.empty() || !outputs.html_path.empty();
  }
  report::RunEmitOptions emit() const { return {outputs, json, raw}; }
};

// The run loop's terminal lines on stderr: a live progress line when stderr
// is a terminal (and CI unset), one line per finished scenario always.
using ProgressLine = std::function<void(const scenario::Progress&, size_t index, size_t total)>;
using DoneLine = std::function<void(const scenario::ScenarioResult&, size_t index, size_t total)>;
void attach_terminal_lines(ProgressLine& progress, DoneLine& done);

// Prints a run's terminal text: to stdout, or to stderr when an output is
// "-" (nothing inside a test VM, where the host renders the run).
void print_run_text(const std::string& text, const RunOptions& o);

// Runs the selected scenarios inside a test VM: scenario files are copied
// in, the guest runs `ktstr run ... --json -`, and the host writes the
// result (with a `vm` section) and renders the text as for a host run.
int run_scenarios_in_vm(const RunOptions& o);

// --dry-run (run_dry.cpp): every check of a run against the host or, with
// --vm, the VM's topology; nothing is created.
int dry_run(const RunOptions& o);

}  // namespace ktstr::cli
