// HTML report: the embedded data (golden view JSON, the run JSON round
// trip) and the page structure; rendering is tested in a real browser by
// tests/integration/report_html_test.cpp.
#include <gtest/gtest.h>

#include "report/assets.hpp"
#include "report/html.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using nlohmann::json;
using testing::load_fixture;

std::string script_body(const std::string& html, const std::string& id) {
  const std::string open = "<script id=\"" + id + "\" type=\"application/json\">";
  const size_t start = html.find(open);
  if (start == std::string::npos) return "";
  const size_t body = start + open.size();
  return html.substr(body, html.find("</script>", body) - body);
}

TEST(ReportHtml, GoldenView) {
  const auto run = load_fixture("run_mixed.json");
  testing::expect_golden("run_mixed.html_view.json", build_html_view(run).dump(1) + "\n");
}

TEST(ReportHtml, EmbedsRunAndViewAndAssets) {
  const auto run = load_fixture("run_mixed.json");
  const std::string html = render_html(run);
  const std::string run_text = script_body(html, "ktstr-run");
  const std::string view_text = script_body(html, "ktstr-view");
  ASSERT_FALSE(run_text.empty());
  ASSERT_FALSE(view_text.empty());
  // The markup in the fixture's description cannot end the script element.
  EXPECT_EQ(run_text.find('<'), std::string::npos);
  EXPECT_EQ(json::parse(run_text), json(run));
  EXPECT_EQ(json::parse(view_text), build_html_view(run));
  // Structure: doctype, both stylesheets, uPlot before the app script, the
  // status element, no network references.
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  const size_t uplot = html.find(std::string(assets::uplot_js().substr(0, 40)));
  const size_t app = html.find("ktstr HTML report: draws");
  ASSERT_NE(uplot, std::string::npos);
  ASSERT_NE(app, std::string::npos);
  EXPECT_LT(uplot, app);
  EXPECT_NE(html.find("<div id=\"ktstr-render-status\">pending</div>"), std::string::npos);
  EXPECT_EQ(html.find("<script src="), std::string::npos);
  EXPECT_EQ(html.find("<link "), std::string::npos);
  EXPECT_NE(html.find("Leon Sorokin"), std::string::npos);  // uPlot's MIT notice
  EXPECT_EQ(assets::uplot_version(), "1.6.32");
}

TEST(ReportHtml, ViewContents) {
  const json v = build_html_view(load_fixture("run_mixed.json"));
  ASSERT_EQ(v["scenarios"].size(), 4u);
  // Failures at the top: the failed check and the engine error.
  ASSERT_EQ(v["failures"].size(), 2u);
  EXPECT_EQ(v["failures"][0]["scenario"], "cpuset_split");
  EXPECT_EQ(v["failures"][0]["evidence"].size(), 3u);  // with the relative check
  const json& split = v["scenarios"][0];
  EXPECT_EQ(split["cgroups"]["cpu_share_basis"], "cpu_time");
  double share = 0;
  for (const auto& s : split["cgroups"]["cpu_share_pct"]) share += s.get<double>();
  EXPECT_NEAR(share, 100, 1e-9);
  EXPECT_EQ(split["latency_by_cgroup"]["basis"], "samples");
  EXPECT_EQ(split["latency_by_cgroup"]["series"].size(), 2u);
  EXPECT_EQ(split["latency_by_work_type"]["series"][0]["name"], "futex_ping_pong");
  EXPECT_EQ(split["migrations"]["per"], "worker");
  EXPECT_EQ(split["migrations"]["labels"].size(), 6u);
  EXPECT_EQ(split["timeline"]["markers"].size(), 3u);
  // Percentile curves never decrease.
  for (const auto& s : split["latency_by_cgroup"]["series"]) {
    for (size_t i = 1; i < s["y_us"].size(); ++i) EXPECT_LE(s["y_us"][i - 1], s["y_us"][i]);
  }
  const json& steady = v["scenarios"][1];
  EXPECT_EQ(steady["latency_by_cgroup"]["basis"], "percentiles");
  EXPECT_TRUE(steady["latency_by_work_type"].is_null());
  EXPECT_EQ(steady["migrations"]["per"], "cgroup");
  EXPECT_TRUE(v["scenarios"][2]["timeline"].is_null());  // skipped: nothing ran
}

TEST(ReportHtml, ScriptSafeJson) {
  EXPECT_EQ(script_safe_json(json("</script><!--&")), "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
  EXPECT_EQ(json::parse(script_safe_json(json("</script>"))), json("</script>"));
}

}  // namespace
}  // namespace ktstr::report
