// render_matrix_text: the gauntlet matrix for a terminal. Column headers
// are numbers explained in a legend, so a cell is 8 characters whatever the
// preset names; the grid is cut into blocks of columns that fit the width,
// and transposed (columns as rows) when that needs fewer blocks.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "report/matrix.hpp"

namespace ktstr::report {
namespace {

constexpr size_t kCellWidth = 8;    // the longest cell_label
constexpr size_t kReasonLines = 4;  // of a multi-line reason, in the failure list

struct Grid {
  std::string corner;                   // the row labels' header
  std::string legend_title;             // what the numbered headers stand for
  std::vector<std::string> row_labels;  // printed in full
  std::vector<std::string> legend;      // header [i+1] means legend[i]
  std::vector<std::vector<std::string>> cells;

  size_t label_width() const {
    size_t w = corner.size();
    for (const auto& l : row_labels) w = std::max(w, l.size());
    return w;
  }
  size_t columns_per_block(size_t width) const {
    const size_t col = kCellWidth + 2;
    const size_t lw = label_width();
    return width > lw + col ? std::max<size_t>(1, (width - lw) / col) : 1;
  }
  size_t blocks(size_t width) const {
    const size_t per = columns_per_block(width);
    return (legend.size() + per - 1) / per;
  }
};

Grid grid_of(const MatrixModel& m, bool transposed) {
  Grid g;
  std::vector<std::string> column_labels;
  for (size_t c = 0; c < m.columns.size(); ++c) column_labels.push_back(m.column_label(c));
  g.corner = transposed ? (m.several_kernels ? "PRESET / SCHEDULER / KERNEL" : "PRESET / SCHEDULER")
                        : "SCENARIO";
  g.legend_title = transposed ? "scenarios" : "columns";
  g.row_labels = transposed ? column_labels : m.scenarios;
  g.legend = transposed ? m.scenarios : column_labels;
  g.cells.assign(g.row_labels.size(), std::vector<std::string>(g.legend.size()));
  for (size_t r = 0; r < m.scenarios.size(); ++r) {
    for (size_t c = 0; c < m.columns.size(); ++c) {
      const std::string label(cell_label(m.cells[r][c].outcome));
      (transposed ? g.cells[c][r] : g.cells[r][c]) = label;
    }
  }
  return g;
}

std::string render_grid(const Grid& g, size_t width) {
  std::string out = g.legend_title + ":\n";
  for (size_t i = 0; i < g.legend.size(); ++i) {
    out += fmt::format("  [{}] {}\n", i + 1, g.legend[i]);
  }
  const size_t lw = g.label_width(), per = g.columns_per_block(width);
  for (size_t first = 0; first < g.legend.size(); first += per) {
    const size_t last = std::min(g.legend.size(), first + per);
    out += "\n";
    std::string line = fmt::format("{:<{}}", g.corner, lw);
    for (size_t c = first; c < last; ++c) {
      line += fmt::format("  {:<{}}", fmt::format("[{}]", c + 1), kCellWidth);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    for (size_t r = 0; r < g.row_labels.size(); ++r) {
      line = fmt::format("{:<{}}", g.row_labels[r], lw);
      for (size_t c = first; c < last; ++c)
        line += fmt::format("  {:<{}}", g.cells[r][c], kCellWidth);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  return out;
}

// The reproduce command within `width`, continued with " \\" before an
// option when it does not fit (a shell reads it as one line).
std::string wrap_command(const std::string& cmd, const std::string& indent, size_t width) {
  std::vector<std::string> chunks;
  size_t start = 0;
  for (size_t p = cmd.find(" --"); p != std::string::npos; p = cmd.find(" --", p + 1)) {
    chunks.push_back(cmd.substr(start, p - start));
    start = p + 1;
  }
  chunks.push_back(cmd.substr(start));
  std::string out, line = indent + "$ " + chunks[0];
  for (size_t i = 1; i < chunks.size(); ++i) {
    if (line.size() + 1 + chunks[i].size() + 2 > width) {
      out += line + " \\\n";
      line = indent + "    " + chunks[i];
    } else {
      line += " " + chunks[i];
    }
  }
  return out + line + "\n";
}

std::string plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string header(const MatrixModel& m, size_t width) {
  std::set<std::string> presets, schedulers, kernels;
  for (const auto& c : m.columns) {
    presets.insert(c.preset);
    schedulers.insert(c.scheduler);
    kernels.insert(c.kernel);
  }
  std::string out =
      fmt::format("gauntlet matrix: {} x {} x {}", plural(m.scenarios.size(), "scenario"),
                  plural(presets.size(), "preset"), plural(schedulers.size(), "scheduler"));
  if (m.several_kernels) out += " x " + plural(kernels.size(), "kernel");
  out += fmt::format(" = {}", plural(m.scenarios.size() * m.columns.size(), "cell"));
  if (!m.shard.empty()) out += " (" + m.shard + ")";
  if (m.interrupted) out += ", interrupted";
  // The counts, worst first, on as many lines as `width` needs.
  std::string line = " ";
  out += "\n";
  for (size_t i = 0; i < kCellOutcomes; ++i) {
    if (m.counts[i] == 0) continue;
    const auto o = static_cast<CellOutcome>(i);
    const std::string_view name =
        o == CellOutcome::kAbsent ? "not in this document" : cell_label(o);
    const std::string item = fmt::format(" {} {}", m.counts[i], name);
    if (line.size() > 1 && line.size() + item.size() + 1 > width) {
      out += line + ",\n";
      line = " ";
    }
    line += (line.size() > 1 ? "," : "") + item;
  }
  return out + line + "\n";
}

std::string problems(const MatrixModel& m, size_t width) {
  if (m.problems.empty()) return "";
  std::string out =
      "\nnot passed, worst first (`ktstr gauntlet --rerun-failed FILE` reruns them):\n";
  for (const auto& ref : m.problems) {
    const MatrixCell& c = m.at(ref);
    out += fmt::format("  {:<{}} #{} {}\n", cell_label(c.outcome), kCellWidth, *c.job + 1, c.id);
    const std::string indent(4, ' ');
    size_t start = 0, lines = 0;
    const std::string& text = c.reason;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (lines++ < kReasonLines) out += indent + text.substr(start, end - start) + "\n";
      start = end + 1;
    }
    if (lines > kReasonLines)
      out += fmt::format("{}({} more lines)\n", indent, lines - kReasonLines);
    out += wrap_command(c.reproduce, indent, width);
  }
  return out;
}

}  // namespace

std::string render_matrix_text(const MatrixModel& m, size_t width) {
  std::string out = header(m, width) + problems(m, width) + "\n";
  if (m.columns.empty() || m.scenarios.empty()) return out;
  const Grid normal = grid_of(m, false), transposed = grid_of(m, true);
  return out +
         render_grid(transposed.blocks(width) < normal.blocks(width) ? transposed : normal, width);
}

}  // namespace ktstr::report
