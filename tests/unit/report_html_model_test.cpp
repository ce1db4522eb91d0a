// HTML report: the embedded data (golden view JSON, the run JSON round
// trip) and the page structure; rendering is tested in a real browser by
// tests/integration/report_html_test.cpp.
#include <gtest/gtest.h>

#include <map>

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

TEST(ReportHtml, GoldenNoisyView) {
  testing::expect_golden("run_noisy.html_view.json",
                         build_html_view(load_fixture("run_noisy.json")).dump(1) + "\n");
}

// A busy host (run_noisy.json: outside load 1.80 of 4 CPUs): the summary
// line, the band on the timeline, the checks noise made inconclusive, which
// scenario's verdict that changed, and the run's noise chart in %.
TEST(ReportHtml, NoiseInTheView) {
  const json v = build_html_view(load_fixture("run_noisy.json"));
  ASSERT_EQ(v["scenarios"].size(), 3u);
  const json& busy = v["scenarios"][0]["noise"];
  EXPECT_EQ(busy["level"], "high");
  EXPECT_EQ(busy["summary"],
            "host noise: high — outside load 1.80 CPU > 0.40 (4 CPUs), PSI some 41%");
  EXPECT_EQ(busy["downgraded_checks"], json::array({"max_spread_pct"}));
  EXPECT_EQ(busy["verdict_downgraded"], true);
  EXPECT_DOUBLE_EQ(busy["outside_load_cpus"].get<double>(), 1.8);
  EXPECT_DOUBLE_EQ(busy["outside_load_bound_cpus"].get<double>(), 0.4);
  EXPECT_TRUE(busy["vcpu_dilation"].is_null());
  // Measured from setup until the "stop" event at 2085 ms, over 2100 ms.
  EXPECT_DOUBLE_EQ(busy["band"]["to_s"].get<double>(), 2.085);
  EXPECT_DOUBLE_EQ(busy["band"]["from_s"].get<double>(), 0.0);
  // A starved worker still fails: its spread check is inconclusive, the
  // scenario is not downgraded.
  const json& frozen = v["scenarios"][1];
  EXPECT_EQ(frozen["verdict"], "fail");
  EXPECT_EQ(frozen["noise"]["downgraded_checks"], json::array({"max_spread_pct"}));
  EXPECT_EQ(frozen["noise"]["verdict_downgraded"], false);
  EXPECT_EQ(v["scenarios"][2]["noise"]["level"], "low");
  EXPECT_EQ(v["scenarios"][2]["noise"]["summary"],
            "host noise: low (PSI some 4%, steal 0.4%, outside load 0.05 CPU, harness run delay "
            "3.2ms)");
  ASSERT_EQ(v["failures"].size(), 2u);
  EXPECT_EQ(v["failures"][0]["noise_downgraded"], true);
  EXPECT_EQ(v["failures"][1]["noise_downgraded"], false);

  const json& chart = v["noise"];
  ASSERT_EQ(chart["labels"].size(), 4u);
  EXPECT_EQ(chart["labels"][3], "whole run");
  EXPECT_EQ(chart["verdict_downgraded"], json::array({true, false, false, false}));
  EXPECT_EQ(chart["run_summary"],
            "host noise over the run: high — outside load 1.80 CPU > 0.40 (4 CPUs), PSI some 41%");
  std::map<std::string, json> series;
  for (const auto& s : chart["series"]) series[s["name"].get<std::string>()] = s;
  EXPECT_DOUBLE_EQ(series["outside load (% of CPUs)"]["values"][0].get<double>(), 45.0);
  EXPECT_DOUBLE_EQ(series["outside load (% of CPUs)"]["values"][2].get<double>(), 1.25);
  EXPECT_DOUBLE_EQ(series["outside-load bound"]["values"][0].get<double>(), 10.0);
  EXPECT_EQ(series["outside-load bound"]["kind"], "bound");
  EXPECT_DOUBLE_EQ(series["steal bound"]["values"][1].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(series["PSI some %"]["values"][0].get<double>(), 41.3);
  EXPECT_NEAR(series["harness run delay (% of wall)"]["values"][0].get<double>(), 100 * 3.2 / 2100,
              1e-12);
  EXPECT_EQ(series.count("vCPU dilation - 1 (%)"), 0u);  // not a VM run
}

// VM mode: the host's vCPU dilation is a whole-run measure; it appears as
// its own series with its bound, on the "whole run" category only.
TEST(ReportHtml, NoiseChartShowsVcpuDilation) {
  auto run = load_fixture("run_noisy.json");
  run.noise.vcpu_dilation = 1.8;
  const json chart = run_noise_view(run);
  std::map<std::string, json> series;
  for (const auto& s : chart["series"]) series[s["name"].get<std::string>()] = s;
  ASSERT_EQ(series.count("vCPU dilation - 1 (%)"), 1u);
  const json& d = series["vCPU dilation - 1 (%)"]["values"];
  EXPECT_TRUE(d[0].is_null());
  EXPECT_NEAR(d[3].get<double>(), 80.0, 1e-9);
  EXPECT_DOUBLE_EQ(series["dilation bound"]["values"][3].get<double>(), 50.0);
}

// Documents without noise (written before it existed) draw no noise.
TEST(ReportHtml, NoNoiseMeasuredNoNoiseView) {
  const json v = build_html_view(load_fixture("run_mixed.json"));
  EXPECT_TRUE(v["noise"].is_null());
  EXPECT_TRUE(v["scenarios"][0]["noise"].is_null());
}

TEST(ReportHtml, ScriptSafeJson) {
  EXPECT_EQ(script_safe_json(json("</script><!--&")), "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
  EXPECT_EQ(json::parse(script_safe_json(json("</script>"))), json("</script>"));
}

}  // namespace
}  // namespace ktstr::report
