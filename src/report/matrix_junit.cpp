// render_matrix_junit: a testsuite per preset x scheduler (x kernel), a
// testcase per scenario. Outcomes as in `ktstr run --junit`: a failed job is
// <failure>, an environment or input error <error>; skipped, inconclusive,
// flaky, interrupted and not-run cells are <skipped> with the reason, so a
// CI page shows them as neither green nor red. Cells with no job in this
// document (another shard's) have no testcase.
#include <fmt/format.h>

#include "report/format.hpp"
#include "report/matrix.hpp"

namespace ktstr::report {
namespace {

std::string attr(std::string_view name, std::string_view value) {
  return fmt::format(" {}=\"{}\"", name, xml_escape(value));
}

std::string seconds(double ms) {
  return fmt::format("{:.3f}", ms / 1000);
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

struct Counts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time_ms = 0;
  void add(const MatrixCell& c) {
    ++tests;
    time_ms += c.wall_ms;
    if (c.outcome == CellOutcome::kFail) {
      ++failures;
    } else if (c.outcome == CellOutcome::kError || c.outcome == CellOutcome::kInvalid) {
      ++errors;
    } else if (c.outcome != CellOutcome::kPass) {
      ++skipped;
    }
  }
  std::string attrs(bool with_skipped) const {
    return fmt::format(
        " tests=\"{}\" failures=\"{}\" errors=\"{}\"{} time=\"{}\"", tests, failures, errors,
        with_skipped ? fmt::format(" skipped=\"{}\"", skipped) : std::string(), seconds(time_ms));
  }
};

void outcome(std::string& out, const MatrixCell& c) {
  const std::string body =
      xml_escape(c.reason + (c.reason.empty() ? "" : "\n") + c.reproduce + "\n", false);
  switch (c.outcome) {
    case CellOutcome::kPass:
    case CellOutcome::kAbsent:
      return;
    case CellOutcome::kFail:
      out += fmt::format("      <failure{}{}>{}</failure>\n", attr("message", first_line(c.reason)),
                         attr("type", "fail"), body);
      return;
    case CellOutcome::kError:
    case CellOutcome::kInvalid:
      out += fmt::format("      <error{}{}>{}</error>\n", attr("message", first_line(c.reason)),
                         attr("type", outcome_name(c.outcome)), body);
      return;
    case CellOutcome::kSkip:
      out += fmt::format("      <skipped{}/>\n", attr("message", first_line(c.reason)));
      return;
    default: {
      std::string message(outcome_name(c.outcome));
      if (!c.reason.empty()) message += ": " + first_line(c.reason);
      out += fmt::format("      <skipped{}/>\n", attr("message", message));
    }
  }
}

void testcase(std::string& out, const std::string& scenario, const std::string& suite,
              const MatrixCell& c) {
  out += fmt::format("    <testcase{}{} time=\"{}\">\n", attr("name", scenario),
                     attr("classname", suite), seconds(c.wall_ms));
  outcome(out, c);
  if (c.job) {
    std::string text =
        fmt::format("job: {}\nid: {}\nverdict: {}\nexit_code: {}\nreproduce: {}\n", *c.job + 1,
                    c.id, outcome_name(c.outcome), c.exit_code, c.reproduce);
    if (!c.reason.empty()) text += "\n" + c.reason + "\n";
    out += "      <system-out>" + xml_escape(text, false) + "</system-out>\n";
  }
  out += "    </testcase>\n";
}

}  // namespace

std::string render_matrix_junit(const MatrixModel& m) {
  Counts total;
  std::string suites;
  for (size_t col = 0; col < m.columns.size(); ++col) {
    Counts c;
    for (size_t row = 0; row < m.scenarios.size(); ++row) {
      if (m.cells[row][col].outcome != CellOutcome::kAbsent) c.add(m.cells[row][col]);
    }
    if (c.tests == 0) continue;
    const auto& column = m.columns[col];
    std::string name = "ktstr.gauntlet." + column.preset + "." + column.scheduler;
    if (m.several_kernels) name += "." + column.kernel;
    suites += fmt::format("  <testsuite{}{}>\n", attr("name", name), c.attrs(true));
    suites += "    <properties>\n";
    for (const auto& [key, value] :
         {std::pair<const char*, const std::string&>{"preset", column.preset},
          {"scheduler", column.scheduler},
          {"kernel", column.kernel}}) {
      suites += fmt::format("      <property{}{}/>\n", attr("name", key), attr("value", value));
    }
    suites += "    </properties>\n";
    for (size_t row = 0; row < m.scenarios.size(); ++row) {
      if (m.cells[row][col].outcome == CellOutcome::kAbsent) continue;
      testcase(suites, m.scenarios[row], name, m.cells[row][col]);
      total.add(m.cells[row][col]);
    }
    suites += "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
         fmt::format("<testsuites{}{}>\n", attr("name", "ktstr gauntlet"), total.attrs(false)) +
         suites + "</testsuites>\n";
}

}  // namespace ktstr::report
