// Writing a run's report files: what `ktstr run --junit/--html/--trace` and
// `ktstr report` call. Each file is written atomically (temp + rename); an
// empty path skips that output; "-" writes to stdout.
#pragma once

#include <string>

#include "scenario/result.hpp"
#include "util/result.hpp"

namespace ktstr::report {

struct OutputOptions {
  std::string junit_path;  // JUnit XML
  std::string html_path;   // self-contained HTML with charts
  std::string trace_path;  // Chrome/Perfetto trace-event JSON

  bool any() const { return !junit_path.empty() || !html_path.empty() || !trace_path.empty(); }
};

// A saved run document (`ktstr run --json FILE`). An unreadable file is
// kInvalidInput (a bad argument); a parse error has `path` as context.
Result<scenario::RunResult> load_run_document(const std::string& path);

// Writes every requested output; on a failure the others are still
// attempted and the first error (naming the path) is returned.
Status write_outputs(const scenario::RunResult& run, const OutputOptions& opts);

}  // namespace ktstr::report
