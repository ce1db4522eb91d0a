// Writing a run's report files: what `ktstr run --junit/--html/--trace` and
// `ktstr report` call. Files follow util/output_file.hpp: a regular file is
// replaced atomically, a device or FIFO written in place, a directory or a
// symlink to a regular file refused; an empty path skips that output; "-"
// writes to stdout (at most one output may). Rules in docs/reports.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/result.hpp"
#include "util/result.hpp"

namespace ktstr::report {

// An output path with the flag that named it, for error messages.
struct NamedOutput {
  std::string_view flag;  // "--json"
  std::string path;       // "" not requested, "-" stdout
};

struct OutputOptions {
  std::string junit_path;  // JUnit XML
  std::string html_path;   // self-contained HTML with charts
  std::string trace_path;  // Chrome/Perfetto trace-event JSON

  bool any() const { return !junit_path.empty() || !html_path.empty() || !trace_path.empty(); }
  std::vector<NamedOutput> named() const;
};

// Checks every requested output before any work starts (directory exists
// and is writable, target of an accepted type; util/output_file.hpp) and
// that at most one is "-". kInvalidInput naming the flag and the fix.
Status check_outputs(const std::vector<NamedOutput>& outputs);
// True when one of `outputs` is "-": the terminal text then goes to stderr.
bool writes_stdout(const std::vector<NamedOutput>& outputs);

// A saved run document (`ktstr run --json FILE`): a regular file of at most
// kResultFileMaxBytes (util/input_file.hpp). An unreadable, non-regular or
// oversized file is kInvalidInput; a parse error has `path` as context.
Result<scenario::RunResult> load_run_document(const std::string& path);

// Writes every requested output; on a failure the others are still
// attempted and the first error (naming the path) is returned.
Status write_outputs(const scenario::RunResult& run, const OutputOptions& opts);

}  // namespace ktstr::report
