#include "report/outputs.hpp"

#include <fmt/format.h>

#include "report/html.hpp"
#include "report/junit.hpp"
#include "report/trace.hpp"
#include "util/input_file.hpp"
#include "util/output_file.hpp"

namespace ktstr::report {

std::vector<NamedOutput> OutputOptions::named() const {
  return {{"--junit", junit_path}, {"--html", html_path}, {"--trace", trace_path}};
}

Status check_outputs(const std::vector<NamedOutput>& outputs) {
  const NamedOutput* on_stdout = nullptr;
  for (const auto& o : outputs) {
    if (o.path.empty()) continue;
    auto kind = check_output_path(o.path, o.flag);
    if (!kind) return unexpected(kind.error());
    if (*kind != OutputKind::kStdout) continue;
    if (on_stdout != nullptr) {
      return invalid_input(
          fmt::format("{} - and {} - both ask for standard output; at most one "
                      "output can be '-', give the other a file name",
                      on_stdout->flag, o.flag));
    }
    on_stdout = &o;
  }
  return {};
}

bool writes_stdout(const std::vector<NamedOutput>& outputs) {
  for (const auto& o : outputs) {
    if (o.path == "-") return true;
  }
  return false;
}

Result<scenario::RunResult> load_run_document(const std::string& path) {
  auto text = read_input_file(path, kResultFileMaxBytes, "run document");
  if (!text) return unexpected(text.error());
  auto run = scenario::parse_run_result(*text);
  if (!run) return unexpected(with_context(run.error(), path));
  return run;
}

Status write_outputs(const scenario::RunResult& run, const OutputOptions& opts) {
  Status first;
  auto keep_first = [&first](Status st) {
    if (!st && first) first = std::move(st);
  };
  if (!opts.junit_path.empty()) keep_first(write_output_file(opts.junit_path, render_junit(run)));
  if (!opts.trace_path.empty()) keep_first(write_output_file(opts.trace_path, render_trace(run)));
  if (!opts.html_path.empty()) keep_first(write_output_file(opts.html_path, render_html(run)));
  return first;
}

}  // namespace ktstr::report
