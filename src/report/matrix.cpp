// build_matrix: a gauntlet result document as scenario rows x preset/
// scheduler/kernel columns.
#include "report/matrix.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "util/duration.hpp"
#include "util/input_file.hpp"
#include "util/output_file.hpp"

namespace ktstr::report {

using nlohmann::json;

namespace {

struct OutcomeName {
  CellOutcome outcome;
  std::string_view name, label, verdict;  // verdict: the results' spelling
};

constexpr OutcomeName kOutcomes[kCellOutcomes] = {
    {CellOutcome::kFail, "fail", "FAIL", "fail"},
    {CellOutcome::kError, "error", "ERROR", "error"},
    {CellOutcome::kInvalid, "invalid", "invalid", "invalid"},
    {CellOutcome::kFlaky, "flaky", "flaky", "flaky"},
    {CellOutcome::kInconclusive, "inconclusive", "inconcl.", "inconclusive"},
    {CellOutcome::kInterrupted, "interrupted", "stopped", "interrupted"},
    {CellOutcome::kNotRun, "not-run", "not run", ""},
    {CellOutcome::kSkip, "skip", "skip", "skip"},
    {CellOutcome::kPass, "pass", "pass", "pass"},
    {CellOutcome::kAbsent, "absent", "-", ""},
};

const OutcomeName& entry(CellOutcome o) {
  return kOutcomes[static_cast<size_t>(o)];
}

// An unknown verdict counts as a failure: never silently green.
CellOutcome outcome_of_verdict(const std::string& verdict) {
  for (const auto& e : kOutcomes) {
    if (!e.verdict.empty() && e.verdict == verdict) return e.outcome;
  }
  return CellOutcome::kFail;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

struct Axes {
  std::vector<std::string> scenarios, presets, schedulers, kernels;
};

// `matrix.axes` when the document has it (every shard carries the whole
// matrix); otherwise first appearance in the jobs, then the skipped cells.
Axes axes_of(const json& doc) {
  Axes a;
  const json* given = nullptr;
  if (doc["matrix"].contains("axes")) given = &doc["matrix"]["axes"];
  if (given != nullptr) {
    a.scenarios = given->value("scenarios", std::vector<std::string>{});
    a.presets = given->value("presets", std::vector<std::string>{});
    a.schedulers = given->value("schedulers", std::vector<std::string>{});
    a.kernels = given->value("kernels", std::vector<std::string>{});
  }
  for (const auto& j : doc["jobs"]) {
    add_unique(a.scenarios, j.at("scenario").get<std::string>());
    add_unique(a.presets, j.at("preset").get<std::string>());
    add_unique(a.schedulers, j.at("scheduler").get<std::string>());
    add_unique(a.kernels, j.at("kernel").get<std::string>());
  }
  for (const auto& s : doc.value("skipped", json::array())) {
    add_unique(a.scenarios, s.at("scenario").get<std::string>());
    add_unique(a.presets, s.at("preset").get<std::string>());
  }
  return a;
}

std::string shard_text(const json& doc) {
  if (!doc.contains("shard") || !doc["shard"].is_object()) return "";
  const json& s = doc["shard"];
  const int total = s.value("total", 1);
  if (s.contains("merged")) {
    std::string out = fmt::format("{} of {} shards merged", s["merged"].size(), total);
    const auto missing = s.value("missing", std::vector<int>{});
    for (size_t i = 0; i < missing.size(); ++i) {
      out += fmt::format("{}{}/{}", i ? ", " : " (missing ", missing[i], total);
    }
    return missing.empty() ? out : out + ")";
  }
  return total > 1 ? fmt::format("shard {}/{}", s.value("index", 1), total) : "";
}

size_t position(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

void place_jobs(const json& doc, const Axes& a, MatrixModel& m) {
  std::map<size_t, const json*> results;
  for (const auto& r : doc["results"]) results[r.at("index").get<size_t>()] = &r;
  const size_t per_preset = a.schedulers.size() * a.kernels.size();
  for (const auto& j : doc["jobs"]) {
    const size_t row = position(a.scenarios, j.at("scenario").get<std::string>());
    const size_t col =
        position(a.presets, j.at("preset").get<std::string>()) * per_preset +
        position(a.schedulers, j.at("scheduler").get<std::string>()) * a.kernels.size() +
        position(a.kernels, j.at("kernel").get<std::string>());
    MatrixCell& c = m.cells[row][col];
    c.job = j.at("index").get<size_t>();
    c.id = j.value("id", std::string());
    c.reproduce = reproduce_command(j);
    auto r = results.find(*c.job);
    if (r == results.end()) {
      c.outcome = CellOutcome::kNotRun;
      continue;
    }
    c.outcome = outcome_of_verdict(r->second->value("verdict", std::string()));
    c.reason = r->second->value("reason", std::string());
    c.exit_code = r->second->value("exit_code", 0);
    c.wall_ms = r->second->value("wall_ms", 0.0);
  }
}

void place_skips(const json& doc, const Axes& a, MatrixModel& m) {
  const size_t per_preset = a.schedulers.size() * a.kernels.size();
  for (const auto& s : doc.value("skipped", json::array())) {
    const size_t row = position(a.scenarios, s.at("scenario").get<std::string>());
    const size_t first = position(a.presets, s.at("preset").get<std::string>()) * per_preset;
    for (size_t col = first; col < first + per_preset; ++col) {
      m.cells[row][col].outcome = CellOutcome::kSkip;
      m.cells[row][col].reason = s.value("reason", std::string());
    }
  }
}

void tally(MatrixModel& m) {
  for (size_t row = 0; row < m.cells.size(); ++row) {
    for (size_t col = 0; col < m.columns.size(); ++col) {
      const CellOutcome o = m.cells[row][col].outcome;
      ++m.counts[static_cast<size_t>(o)];
      if (needs_rerun(o)) m.problems.push_back({row, col});
    }
  }
  std::stable_sort(m.problems.begin(), m.problems.end(), [&m](auto x, auto y) {
    const auto &a = m.at(x), &b = m.at(y);
    return a.outcome != b.outcome ? a.outcome < b.outcome : a.job < b.job;
  });
}

Result<MatrixModel> build(const json& doc) {
  const Axes a = axes_of(doc);
  MatrixModel m;
  m.scenarios = a.scenarios;
  m.several_kernels = a.kernels.size() > 1;
  for (const auto& p : a.presets) {
    for (const auto& s : a.schedulers) {
      for (const auto& k : a.kernels) m.columns.push_back({p, s, k});
    }
  }
  m.cells.assign(m.scenarios.size(), std::vector<MatrixCell>(m.columns.size()));
  place_skips(doc, a, m);
  place_jobs(doc, a, m);
  tally(m);
  m.exit_code = doc.value("exit_code", 0);
  m.interrupted = doc.value("interrupted", false);
  m.shard = shard_text(doc);
  return m;
}

std::string shell_quote(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of(
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789_@%+=:,./-") == std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string_view cell_label(CellOutcome o) {
  return entry(o).label;
}

std::string_view outcome_name(CellOutcome o) {
  return entry(o).name;
}

bool needs_rerun(CellOutcome o) {
  return o != CellOutcome::kPass && o != CellOutcome::kSkip && o != CellOutcome::kAbsent;
}

std::string MatrixModel::column_label(size_t column) const {
  const auto& c = columns[column];
  std::string out = c.preset + " / " + c.scheduler;
  return several_kernels ? out + " / " + c.kernel : out;
}

bool is_gauntlet_document(const json& doc) {
  return doc.is_object() && doc.contains("matrix") && doc["matrix"].is_object() &&
         doc.contains("jobs") && doc["jobs"].is_array();
}

Result<MatrixModel> build_matrix(const json& doc, const std::string& source) {
  if (!is_gauntlet_document(doc)) {
    return invalid_input(
        "not a gauntlet document (no matrix and jobs); write one with `ktstr gauntlet ... "
        "--json > FILE` or `ktstr merge`",
        source);
  }
  if (!doc.contains("results") || !doc["results"].is_array()) {
    return invalid_input(
        "a gauntlet job list without results (written with --list): nothing ran; run the "
        "gauntlet without --list",
        source);
  }
  try {
    return build(doc);
  } catch (const json::exception& e) {
    return invalid_input(fmt::format("malformed gauntlet document: {}", e.what()), source);
  }
}

std::string reproduce_command(const json& job) {
  std::string cmd = "ktstr run --vm --topology " + shell_quote(job.value("preset", "")) +
                    " --scheduler " + shell_quote(job.value("scheduler", ""));
  const std::string kernel = job.value("kernel", "auto");
  if (kernel != "auto") cmd += " --kernel " + shell_quote(kernel);
  const uint64_t ms = job.value("duration_ms", uint64_t{0});
  if (ms > 0) cmd += " --duration " + format_duration_ns(ms * 1000000);
  return cmd + " " + shell_quote(job.value("target", job.value("scenario", "")));
}

Result<std::optional<json>> load_gauntlet_document(const std::string& path) {
  auto text = read_input_file(path, kResultFileMaxBytes, "run document");
  if (!text) return unexpected(text.error());
  auto doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !is_gauntlet_document(doc)) return std::optional<json>();
  return std::optional<json>(std::move(doc));
}

Status write_matrix_outputs(const MatrixModel& m, const OutputOptions& opts) {
  if (!opts.trace_path.empty()) {
    return invalid_input(
        "a gauntlet document has no trace; render one job's run document with --trace", "--trace");
  }
  Status first;
  auto keep_first = [&first](Status st) {
    if (!st && first) first = std::move(st);
  };
  if (!opts.junit_path.empty()) {
    keep_first(write_output_file(opts.junit_path, render_matrix_junit(m)));
  }
  if (!opts.html_path.empty()) keep_first(write_output_file(opts.html_path, render_matrix_html(m)));
  return first;
}

}  // namespace ktstr::report
