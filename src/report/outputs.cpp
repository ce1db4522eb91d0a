#include "report/outputs.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "report/html.hpp"
#include "report/junit.hpp"
#include "report/trace.hpp"
#include "util/file_io.hpp"

namespace ktstr::report {
namespace {

Status write_one(const std::string& path, const std::string& text) {
  if (path == "-") {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout)) {
      return sys_error("write report to stdout");
    }
    return {};
  }
  return write_file_atomic(path, text);
}

}  // namespace

Result<scenario::RunResult> load_run_document(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    Error e = text.error();
    e.kind = ErrorKind::kInvalidInput;
    return unexpected(std::move(e));
  }
  auto run = scenario::parse_run_result(*text);
  if (!run) return unexpected(with_context(run.error(), path));
  return run;
}

Status write_outputs(const scenario::RunResult& run, const OutputOptions& opts) {
  Status first;
  auto keep_first = [&first](Status st) {
    if (!st && first) first = std::move(st);
  };
  if (!opts.junit_path.empty()) keep_first(write_one(opts.junit_path, render_junit(run)));
  if (!opts.trace_path.empty()) keep_first(write_one(opts.trace_path, render_trace(run)));
  if (!opts.html_path.empty()) keep_first(write_one(opts.html_path, render_html(run)));
  return first;
}

}  // namespace ktstr::report
