// Trace-event renderer: golden output, structural validation, and the
// validator itself on broken traces.
#include <gtest/gtest.h>

#include "report/trace.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using nlohmann::json;
using testing::load_fixture;

TEST(ReportTrace, GoldenMixedRun) {
  const auto run = load_fixture("run_mixed.json");
  const std::string text = render_trace(run);
  const json parsed = json::parse(text);  // plain JSON despite one event per line
  EXPECT_TRUE(validate_trace(parsed)) << validate_trace(parsed).error().describe();
  testing::expect_golden("run_mixed.trace.json", text);
}

TEST(ReportTrace, TracksAndEvents) {
  const auto run = load_fixture("run_mixed.json");
  const json t = build_trace(run);
  size_t runs = 0, gaps = 0, migrations = 0, global = 0, counters = 0;
  for (const auto& e : t["traceEvents"]) {
    const std::string ph = e["ph"], cat = e.value("cat", "");
    runs += ph == "X" && cat == "worker";
    gaps += ph == "X" && cat == "gap";
    migrations += ph == "i" && cat == "migration";
    global += ph == "i" && e["s"] == "g";
    counters += ph == "C";
  }
  // cpuset_split has 6 workers with raw reports, 4 or 5 largest gaps each.
  EXPECT_EQ(runs, 6u);
  EXPECT_EQ(gaps, 4u * 6 + 1);
  EXPECT_GT(migrations, 6u);
  // step, step, op (cpuset_split) + step (steady).
  EXPECT_EQ(global, 4u);
  EXPECT_GT(counters, 4u);
  // The 3500 ms gap is a slice with its CPU.
  bool big_gap = false;
  for (const auto& e : t["traceEvents"]) {
    if (e.value("name", "") == "gap 3500.0ms") {
      big_gap = e["dur"].get<double>() == 3500e3 || e["dur"].get<double>() < 3500e3;
      EXPECT_EQ(e["args"]["resumed_cpu"], 1);
    }
  }
  EXPECT_TRUE(big_gap);
  // Migrations carry from/to CPUs.
  for (const auto& e : t["traceEvents"]) {
    if (e.value("cat", "") == "migration") {
      EXPECT_TRUE(e["args"].contains("from_cpu"));
      EXPECT_TRUE(e["args"].contains("to_cpu"));
    }
  }
}

TEST(ReportTrace, ScenariosLaidEndToEnd) {
  const auto run = load_fixture("run_mixed.json");
  const json t = build_trace(run);
  std::vector<double> starts;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "scenario") starts.push_back(e["ts"]);
  }
  ASSERT_EQ(starts.size(), 4u);
  EXPECT_EQ(starts[0], 0);
  EXPECT_DOUBLE_EQ(starts[1], (run.scenarios[0].duration_ms + kTraceScenarioGapMs) * 1e3);
}

TEST(ReportTrace, ValidatorRejectsBrokenTraces) {
  auto ev = [](json e) { return json{{"traceEvents", json::array({std::move(e)})}}; };
  EXPECT_FALSE(validate_trace(json::array()));
  EXPECT_FALSE(validate_trace(ev({{"ph", "Q"}, {"name", "x"}, {"pid", 1}, {"tid", 1}, {"ts", 0}})));
  EXPECT_FALSE(validate_trace(ev({{"ph", "X"}, {"name", "x"}, {"pid", 1}, {"tid", 1}, {"ts", 0}})));
  EXPECT_FALSE(validate_trace(ev({{"ph", "B"}, {"name", "x"}, {"pid", 1}, {"tid", 1}, {"ts", 0}})));
  EXPECT_FALSE(validate_trace(
      ev({{"ph", "X"}, {"name", "x"}, {"pid", 1}, {"tid", 1}, {"ts", -1}, {"dur", 1}})));
  EXPECT_FALSE(validate_trace(
      ev({{"ph", "i"}, {"name", "x"}, {"pid", 1}, {"tid", 1}, {"ts", 1}, {"s", "q"}})));
  json overlap = {{"traceEvents",
                   {{{"ph", "X"}, {"name", "a"}, {"pid", 1}, {"tid", 1}, {"ts", 0}, {"dur", 10}},
                    {{"ph", "X"}, {"name", "b"}, {"pid", 1}, {"tid", 1}, {"ts", 5}, {"dur", 10}}}}};
  const auto st = validate_trace(overlap);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("without nesting"), std::string::npos);
  json paired = {{"traceEvents",
                  {{{"ph", "B"}, {"name", "a"}, {"pid", 1}, {"tid", 1}, {"ts", 0}},
                   {{"ph", "E"}, {"name", "a"}, {"pid", 1}, {"tid", 1}, {"ts", 4}},
                   {{"ph", "X"}, {"name", "b"}, {"pid", 1}, {"tid", 2}, {"ts", 5}, {"dur", 1}},
                   {{"ph", "X"}, {"name", "c"}, {"pid", 1}, {"tid", 2}, {"ts", 6}, {"dur", 1}}}}};
  EXPECT_TRUE(validate_trace(paired));
}

TEST(ReportTrace, RunWithoutRawReportsHasScenarioTracksOnly) {
  const auto run = load_fixture("compare_a.json");
  const json t = build_trace(run);
  EXPECT_TRUE(validate_trace(t));
  for (const auto& e : t["traceEvents"]) EXPECT_NE(e.value("cat", ""), "worker");
}

}  // namespace
}  // namespace ktstr::report
