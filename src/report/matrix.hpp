// The gauntlet's matrix: a result document of `ktstr gauntlet --json` (one
// shard or `ktstr merge`d; docs/gauntlet.md) as rows of scenarios and
// columns of preset x scheduler (x kernel when the document has several),
// one cell per job. Built from the JSON alone, so `ktstr report` renders a
// document written on another machine; the renderers (text, JUnit, HTML)
// read only this model. docs/reports.md "Gauntlet matrix".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/outputs.hpp"
#include "util/result.hpp"

namespace ktstr::report {

// A cell's outcome, worst first (the order failures are listed in).
enum class CellOutcome {
  kFail,          // a check failed, or the VM/scheduler did (verdict "fail")
  kError,         // environment (exit 3): kernel, QEMU, scheduler binary missing...
  kInvalid,       // invalid input (exit 2)
  kFlaky,         // --confirm: some attempts passed, some failed
  kInconclusive,  // host noise or no evidence (exit 4)
  kInterrupted,   // Ctrl-C stopped this job
  kNotRun,        // in the job list but no result (the run was interrupted first)
  kSkip,          // the preset cannot meet the scenario, or the guest skipped it
  kPass,
  kAbsent,  // no job here in this document: another shard's, or dropped by --budget
};
inline constexpr size_t kCellOutcomes = 10;

// "FAIL", "flaky", "inconcl.", ...: at most 8 characters.
std::string_view cell_label(CellOutcome o);
// "fail", "flaky", "inconclusive", "not-run", ...: CSS classes and counts.
std::string_view outcome_name(CellOutcome o);
// Worth a rerun (`ktstr gauntlet --rerun-failed`): neither pass, skip nor absent.
bool needs_rerun(CellOutcome o);

struct MatrixColumn {
  std::string preset, scheduler, kernel;
};

struct MatrixCell {
  CellOutcome outcome = CellOutcome::kAbsent;
  std::optional<size_t> job;  // the job's `index` in the document (0-based)
  std::string id;             // "scenario@preset/scheduler/kernel"; empty when no job
  std::string reason;         // why it did not pass; the skip reason for skipped cells
  std::string reproduce;      // `ktstr run --vm ...` for this job; empty when no job
  int exit_code = 0;
  double wall_ms = 0;
};

struct MatrixCellRef {
  size_t row = 0, column = 0;
};

struct MatrixModel {
  std::vector<std::string> scenarios;          // rows, in job order
  std::vector<MatrixColumn> columns;           // preset, then scheduler, then kernel
  bool several_kernels = false;                // the kernel is part of the column label
  std::vector<std::vector<MatrixCell>> cells;  // [row][column]
  std::array<size_t, kCellOutcomes> counts{};  // cells per CellOutcome
  std::vector<MatrixCellRef> problems;         // needs_rerun cells, worst first, then job order
  int exit_code = 0;
  bool interrupted = false;
  std::string shard;  // "2/4", "3 of 4 merged (missing 2)"; empty for one unsharded run

  const MatrixCell& at(MatrixCellRef r) const { return cells[r.row][r.column]; }
  size_t count(CellOutcome o) const { return counts[static_cast<size_t>(o)]; }
  // "16cpu-4llc-2n-smt / scx_simple" (" / sched-ext" appended with several kernels).
  std::string column_label(size_t column) const;
};

// True for a document of `ktstr gauntlet` or `ktstr merge` (`matrix` and
// `jobs`), run or listed; false for a `ktstr run` document.
bool is_gauntlet_document(const nlohmann::json& doc);

// kInvalidInput (context `source`) when `doc` is not a gauntlet document or
// has no `results` (a `--list` document: nothing ran).
Result<MatrixModel> build_matrix(const nlohmann::json& doc, const std::string& source);

// `ktstr run --vm --topology P --scheduler S [--kernel K] --duration D TARGET`,
// shell-quoted where needed.
std::string reproduce_command(const nlohmann::json& job);

// The terminal summary: a counts line, the failures with their reproduce
// commands, then the grid in blocks that fit `width` columns (transposed when
// that takes fewer blocks).
std::string render_matrix_text(const MatrixModel& m, size_t width = 80);

// JUnit: one <testsuite> per column (preset x scheduler x kernel), one
// <testcase> per scenario with a job there; validates against junit-10.
std::string render_matrix_junit(const MatrixModel& m);

// The chart-free page's data: columns, rows of cells (label, class, anchor),
// and one details entry per job. Golden-tested.
nlohmann::json build_matrix_html_view(const MatrixModel& m);
// One self-contained page: the colour-coded table, every cell linking to
// its job's section (#job-N, N the 1-based job number) further down.
std::string render_matrix_html(const MatrixModel& m);

// A gauntlet document at `path` (bounded regular file, as load_run_document),
// or nullopt when the file is a JSON document of another kind.
Result<std::optional<nlohmann::json>> load_gauntlet_document(const std::string& path);

// `ktstr report` of a gauntlet document: JUnit and HTML as above; --trace
// has no matrix form and is kInvalidInput naming the flag.
Status write_matrix_outputs(const MatrixModel& m, const OutputOptions& opts);

}  // namespace ktstr::report
