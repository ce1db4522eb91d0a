// Everything `ktstr run` emits after the run, host and VM alike: the report
// files, the JSON result document (docs/results.md) and the terminal text.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/outputs.hpp"
#include "scenario/result.hpp"
#include "util/result.hpp"

namespace ktstr::report {

struct RunEmitOptions {
  OutputOptions files;    // --junit, --html, --trace
  std::string json_path;  // --json: "" none, "-" stdout
  bool raw = false;       // keep the worker reports in the JSON

  std::vector<NamedOutput> named() const;  // every output with its flag
  // One output is "-": the terminal text belongs on stderr.
  bool stdout_taken() const { return writes_stdout(named()); }
};

// check_outputs over every output of a run: call before the run starts, so
// a bad path is exit 2 at once instead of a lost run.
Status check_emit_outputs(const RunEmitOptions& o);

// Writes the report files from `run` (null: the document did not parse;
// no files), then `doc` (the run's JSON, possibly with a `vm` section;
// worker reports dropped unless raw) to json_path. Returns the terminal
// text to print next (empty when `run` is null); when stdout_taken() the
// caller prints it to stderr.
Result<std::string> emit_run(const scenario::RunResult* run, nlohmann::json doc,
                             const RunEmitOptions& o);

}  // namespace ktstr::report
