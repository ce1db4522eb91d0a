// The monitor's series and stranded findings in the Perfetto trace, the
// HTML view and the result JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/html.hpp"
#include "report/trace.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using nlohmann::json;

scenario::RunResult with_monitor() {
  auto run = testing::load_fixture("run_mixed.json");
  auto& s = run.scenarios.at(0);
  s.monitor.period_ms = 100;
  s.monitor.samples = 4;
  s.monitor.tasks = 2;
  s.monitor.cost_us_per_sample = 120;
  s.monitor.cpus = {0, 1};
  s.monitor.t_ms = {100, 200, 300};
  s.monitor.idle_pct = {{0, 0, 10}, {100, 95, 100}};
  s.monitor.runnable = {{2, 2, 1}, {0, 0, 0}};
  s.monitor.scx_state = {"enabled", "enabled", "enabled"};
  s.monitor.scx_nr_rejected = {0, 0, 3};
  check::StrandedFinding f;
  f.group = "cg_0";
  f.worker = 1;
  f.tid = 212;
  f.from_ms = 100;
  f.to_ms = 300;
  f.allowed_cpus = "0-1";
  f.idle_cpus = {1};
  f.idle_pct = 98;
  f.sched_ext = true;
  f.ops = "qmap";
  s.stranded = {f, f};
  return run;
}

TEST(ReportMonitor, TraceHasCpuCountersAndStrandedSlices) {
  const json t = build_trace(with_monitor());
  EXPECT_TRUE(validate_trace(t)) << validate_trace(t).error().describe();
  size_t cpu_counters = 0, rejected = 0, stranded = 0;
  for (const auto& e : t["traceEvents"]) {
    const std::string ph = e["ph"], name = e.value("name", "");
    if (ph == "C" && name == "cpu1") {
      ++cpu_counters;
      EXPECT_TRUE(e["args"].contains("idle_pct"));
      EXPECT_TRUE(e["args"].contains("runnable"));
    }
    rejected += ph == "C" && name == "sched_ext nr_rejected";
    stranded += ph == "X" && e.value("cat", "") == "stranded";
  }
  EXPECT_EQ(cpu_counters, 3u);
  EXPECT_EQ(rejected, 3u);
  EXPECT_EQ(stranded, 2u);  // overlapping findings, each on its own track
}

TEST(ReportMonitor, InconsistentSeriesIsNotDrawn) {
  auto run = with_monitor();
  run.scenarios[0].monitor.idle_pct[1].pop_back();
  const json t = build_trace(run);
  EXPECT_TRUE(validate_trace(t));
  for (const auto& e : t["traceEvents"]) EXPECT_NE(e.value("name", ""), "cpu1");
  EXPECT_FALSE(build_html_view(run)["scenarios"][0].contains("monitor"));
}

TEST(ReportMonitor, HtmlViewCarriesTheHeatStripAndFindings) {
  const json v = build_html_view(with_monitor());
  const json& m = v["scenarios"][0]["monitor"];
  EXPECT_EQ(m["cpus"], json({0, 1}));
  EXPECT_EQ(m["idle_pct"][1][1], 95);
  ASSERT_EQ(m["stranded"].size(), 2u);
  EXPECT_NE(m["stranded"][0]["text"].get<std::string>().find("tid 212"), std::string::npos);
  EXPECT_NE(m["note"].get<std::string>().find("120 us CPU per sample"), std::string::npos);
  EXPECT_FALSE(
      build_html_view(testing::load_fixture("run_mixed.json"))["scenarios"][0].contains("monitor"));
}

TEST(ReportMonitor, ResultJsonRoundTripsAndOmitsAnEmptyMonitor) {
  const auto run = with_monitor();
  const json j = run.scenarios[0];
  const auto back = j.get<scenario::ScenarioResult>();
  EXPECT_EQ(back.monitor.runnable, run.scenarios[0].monitor.runnable);
  ASSERT_EQ(back.stranded.size(), 2u);
  EXPECT_EQ(back.stranded[0].tid, 212);
  const json plain = testing::load_fixture("run_mixed.json").scenarios[0];
  EXPECT_FALSE(plain.contains("monitor"));
  EXPECT_FALSE(plain.contains("stranded"));
}

}  // namespace
}  // namespace ktstr::report
