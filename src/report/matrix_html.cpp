// The gauntlet matrix as one HTML page, built like the run report: a view
// (build_matrix_html_view, golden-tested) rendered with the report's own
// stylesheet. The table needs no script: every cell is a link to its job's
// section (#job-N) below it.
#include <fmt/format.h>

#include "report/assets.hpp"
#include "report/format.hpp"
#include "report/html.hpp"
#include "report/matrix.hpp"
#include "util/version.hpp"

namespace ktstr::report {

using nlohmann::json;

namespace {

// The matrix table on top of app.css (colours and badges come from there).
constexpr std::string_view kMatrixCss = R"(
table.matrix { border-collapse: collapse; font-size: 13px; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: 3px 8px;
                                   white-space: nowrap; text-align: center; }
table.matrix th.scenario { text-align: left; }
table.matrix td { color: #fff; font-weight: 600; }
table.matrix td a { color: #fff; text-decoration: none; display: block; font-weight: 600; }
table.matrix td.v-absent { background: var(--bg); color: var(--muted); }
.scroll { overflow-x: auto; }
section.job:target { outline: 3px solid var(--fg); }
pre { white-space: pre-wrap; font-size: 12px; }
)";

// Colours: errors are failures, not-run and interrupted jobs look skipped.
std::string css_class(CellOutcome o) {
  switch (o) {
    case CellOutcome::kError:
    case CellOutcome::kInvalid:
      return "v-fail";
    case CellOutcome::kInterrupted:
    case CellOutcome::kNotRun:
      return "v-skip";
    default:
      return "v-" + std::string(outcome_name(o));
  }
}

std::string anchor(const MatrixCell& c) {
  return c.job ? fmt::format("job-{}", *c.job + 1) : "";
}

std::string summary(const MatrixModel& m) {
  std::string out;
  for (size_t i = 0; i < kCellOutcomes; ++i) {
    if (m.counts[i] == 0) continue;
    const auto o = static_cast<CellOutcome>(i);
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", m.counts[i],
                       o == CellOutcome::kAbsent ? "not in this document" : cell_label(o));
  }
  return out;
}

json cell_view(const MatrixCell& c) {
  return {{"label", cell_label(c.outcome)},
          {"class", css_class(c.outcome)},
          {"href", c.job ? "#" + anchor(c) : ""},
          {"title", c.id.empty() ? c.reason : c.id}};
}

json job_view(const MatrixModel& m, const std::string& scenario, size_t col, const MatrixCell& c) {
  return {{"anchor", anchor(c)},
          {"number", *c.job + 1},
          {"id", c.id},
          {"scenario", scenario},
          {"column", m.column_label(col)},
          {"label", cell_label(c.outcome)},
          {"class", css_class(c.outcome)},
          {"exit_code", c.exit_code},
          {"wall_ms", c.wall_ms},
          {"reason", c.reason},
          {"reproduce", c.reproduce}};
}

std::string render_table(const json& view) {
  std::string out = "<div class=\"scroll\"><table class=\"matrix\">\n<tr><th></th>";
  for (const auto& p : view["presets"]) {
    out += fmt::format("<th colspan=\"{}\">{}</th>", p["span"].get<size_t>(),
                       xml_escape(p["name"].get<std::string>()));
  }
  out += "</tr>\n<tr><th class=\"scenario\">scenario</th>";
  for (const auto& c : view["columns"]) {
    out += "<th>" + xml_escape(c["sub"].get<std::string>()) + "</th>";
  }
  out += "</tr>\n";
  for (const auto& row : view["rows"]) {
    out += "<tr><th class=\"scenario\">" + xml_escape(row["scenario"].get<std::string>()) + "</th>";
    for (const auto& c : row["cells"]) {
      const std::string label = xml_escape(c["label"].get<std::string>());
      const std::string href = c["href"].get<std::string>();
      out += fmt::format("<td class=\"{}\" title=\"{}\">{}</td>", c["class"].get<std::string>(),
                         xml_escape(c["title"].get<std::string>()),
                         href.empty() ? label : fmt::format("<a href=\"{}\">{}</a>", href, label));
    }
    out += "</tr>\n";
  }
  return out + "</table></div>\n";
}

std::string render_job(const json& j) {
  auto s = [&j](const char* key) { return xml_escape(j[key].get<std::string>()); };
  std::string out = fmt::format(
      "<section class=\"job\" id=\"{}\"><h3><span class=\"badge {}\">{}</span> #{} {}</h3>\n",
      s("anchor"), s("class"), s("label"), j["number"].get<size_t>(), s("id"));
  out += fmt::format(
      "<dl class=\"facts\"><dt>scenario</dt><dd>{}</dd><dt>column</dt><dd>{}</dd>"
      "<dt>exit code</dt><dd>{}</dd><dt>wall time</dt><dd>{} s</dd></dl>\n",
      s("scenario"), s("column"), j["exit_code"].get<int>(),
      format_number(j["wall_ms"].get<double>() / 1000));
  if (!j["reason"].get<std::string>().empty()) out += "<pre>" + s("reason") + "</pre>\n";
  return out + "<p class=\"meta\">reproduce: <code>" + s("reproduce") + "</code></p></section>\n";
}

}  // namespace

json build_matrix_html_view(const MatrixModel& m) {
  json view = {{"title", fmt::format("ktstr gauntlet: {} scenarios x {} columns",
                                     m.scenarios.size(), m.columns.size())},
               {"summary", summary(m)},
               {"shard", m.shard},
               {"exit_code", m.exit_code},
               {"interrupted", m.interrupted}};
  json presets = json::array(), columns = json::array(), rows = json::array(), jobs = json::array(),
       problems = json::array();
  for (size_t col = 0; col < m.columns.size(); ++col) {
    const auto& c = m.columns[col];
    if (presets.empty() || presets.back()["name"] != c.preset) {
      presets.push_back({{"name", c.preset}, {"span", 0}});
    }
    presets.back()["span"] = presets.back()["span"].get<size_t>() + 1;
    columns.push_back({{"label", m.column_label(col)},
                       {"sub", m.several_kernels ? c.scheduler + " / " + c.kernel : c.scheduler}});
  }
  std::vector<std::pair<size_t, json>> by_job;
  for (size_t row = 0; row < m.scenarios.size(); ++row) {
    json cells = json::array();
    for (size_t col = 0; col < m.columns.size(); ++col) {
      const MatrixCell& c = m.cells[row][col];
      cells.push_back(cell_view(c));
      if (c.job) by_job.emplace_back(*c.job, job_view(m, m.scenarios[row], col, c));
    }
    rows.push_back({{"scenario", m.scenarios[row]}, {"cells", std::move(cells)}});
  }
  std::sort(by_job.begin(), by_job.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [index, j] : by_job) jobs.push_back(std::move(j));
  for (const auto& ref : m.problems) {
    const MatrixCell& c = m.at(ref);
    problems.push_back({{"href", "#" + anchor(c)},
                        {"label", cell_label(c.outcome)},
                        {"class", css_class(c.outcome)},
                        {"id", c.id}});
  }
  view["presets"] = std::move(presets);
  view["columns"] = std::move(columns);
  view["rows"] = std::move(rows);
  view["problems"] = std::move(problems);
  view["jobs"] = std::move(jobs);
  return view;
}

std::string render_matrix_html(const MatrixModel& m) {
  const json view = build_matrix_html_view(m);
  const std::string title = xml_escape(view["title"].get<std::string>());
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<meta name=\"generator\" content=\"ktstr {}\">\n<title>{}</title>\n",
                     xml_escape(kVersion), title);
  out += "<style>\n" + guard_raw_text(assets::app_css(), "style") + std::string(kMatrixCss) +
         "</style>\n</head>\n<body>\n<main>\n";
  out += fmt::format("<header><h1>{}</h1><p class=\"meta\">{}{}</p></header>\n", title,
                     xml_escape(view["summary"].get<std::string>()),
                     m.shard.empty() ? "" : " &middot; " + xml_escape(m.shard));
  if (!view["problems"].empty()) {
    out += "<section class=\"failures\"><h2>Not passed</h2><ul>\n";
    for (const auto& p : view["problems"]) {
      out += fmt::format("<li><span class=\"badge {}\">{}</span> <a href=\"{}\">{}</a></li>\n",
                         p["class"].get<std::string>(), xml_escape(p["label"].get<std::string>()),
                         xml_escape(p["href"].get<std::string>()),
                         xml_escape(p["id"].get<std::string>()));
    }
    out += "</ul></section>\n";
  }
  out += "<section><h2>Matrix</h2>\n" + render_table(view) + "</section>\n<h2>Jobs</h2>\n";
  for (const auto& j : view["jobs"]) out += render_job(j);
  out += "</main>\n<script id=\"ktstr-gauntlet-view\" type=\"application/json\">" +
         script_safe_json(view) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace ktstr::report
