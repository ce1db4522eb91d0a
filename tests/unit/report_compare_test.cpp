// `ktstr compare` model and renderers: pairing, decisions, golden text and
// JSON on fixtures, input errors, and the false-positive rate of the whole
// decision on synthetic identical runs.
#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "compare_simulation.hpp"
#include "report/compare.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using testing::fixture_text;

CompareInput input(const std::string& name) {
  auto in = parse_compare_input(name, fixture_text(name));
  EXPECT_TRUE(in) << (in ? "" : in.error().describe());
  return in ? *in : CompareInput{};
}

const MetricComparison* find(const CompareReport& r, const std::string& scenario,
                             const std::string& metric) {
  for (const auto& s : r.scenarios) {
    for (const auto& m : s.metrics) {
      if (s.name == scenario && m.metric == metric) return &m;
    }
  }
  return nullptr;
}

TEST(ReportCompare, GoldenRegression) {
  auto r = compare_runs(input("compare_a.json"), input("compare_b.json"), {});
  ASSERT_TRUE(r);
  testing::expect_golden("compare_a_b.txt", render_compare_text(*r));
  testing::expect_golden("compare_a_b.json", compare_to_json(*r).dump(1) + "\n");
}

TEST(ReportCompare, FlagsTheWorseWakeLatency) {
  auto r = compare_runs(input("compare_a.json"), input("compare_b.json"), {});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->scenarios.size(), 1u);
  EXPECT_EQ(r->scenarios[0].n_a, 5u);
  EXPECT_EQ(r->scenarios[0].n_b, 5u);
  EXPECT_EQ(r->only_in_a, std::vector<std::string>{"cgroup_churn"});
  const auto* p99 = find(*r, "steady", "wake_p99_us");
  ASSERT_NE(p99, nullptr);
  EXPECT_EQ(p99->status, MetricStatus::kRegression);
  EXPECT_NEAR(p99->p_worse, 1.0 / 252, 1e-12);  // complete separation, 5 vs 5
  EXPECT_GT(p99->ci.low, 0);
  ASSERT_TRUE(p99->rel_diff_pct);
  EXPECT_NEAR(*p99->rel_diff_pct, 50, 8);
  EXPECT_EQ(find(*r, "steady", "wake_p50_us")->status, MetricStatus::kRegression);
  EXPECT_GE(r->regressions, 2u);
  // Same-distribution metrics are not flagged.
  EXPECT_NE(find(*r, "steady", "max_gap_ms")->status, MetricStatus::kRegression);
  EXPECT_NE(find(*r, "steady", "iterations")->status, MetricStatus::kRegression);
}

TEST(ReportCompare, SameSetupIsNoSignificantChange) {
  auto r = compare_runs(input("compare_a.json"), input("compare_a2.json"), {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->regressions, 0u);
  EXPECT_NE(render_compare_text(*r).find("result: no significant regression"), std::string::npos);
  // B against itself: nothing changes, every p-value is large.
  auto self = compare_runs(input("compare_b.json"), input("compare_b.json"), {});
  ASSERT_TRUE(self);
  EXPECT_EQ(self->regressions + self->improvements, 0u);
  for (const auto& m : self->scenarios[0].metrics) EXPECT_EQ(m.status, MetricStatus::kUnchanged);
}

TEST(ReportCompare, MetricSelectionAndMinEffect) {
  CompareOptions o;
  o.metrics = {"wake_p99_us"};
  o.min_effects["wake_p99_us"] = {100, true};
  auto r = compare_runs(input("compare_a.json"), input("compare_b.json"), o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->scenarios[0].metrics.size(), 1u);
  EXPECT_EQ(r->scenarios[0].metrics[0].status, MetricStatus::kBelowMinEffect);
  EXPECT_EQ(r->regressions, 0u);
  o.metrics = {"wake_p99_ms"};
  auto bad = compare_runs(input("compare_a.json"), input("compare_b.json"), o);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown metric 'wake_p99_ms'"), std::string::npos);
  CompareOptions alpha;
  alpha.alpha = 0.9;
  EXPECT_FALSE(compare_runs(input("compare_a.json"), input("compare_b.json"), alpha));
}

TEST(ReportCompare, TooFewRepeatsAreCalledOut) {
  auto a = input("compare_a.json"), b = input("compare_b.json");
  a.run.scenarios.resize(1);
  b.run.scenarios.resize(1);
  a.scenario_topology.resize(1);
  b.scenario_topology.resize(1);
  auto r = compare_runs(a, b, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->regressions, 0u);
  EXPECT_NEAR(r->scenarios[0].min_p, 0.5, 1e-12);
  EXPECT_NE(render_compare_text(*r).find("nothing can be called significant"), std::string::npos);
}

TEST(ReportCompare, PairsByTopologyWhenPresent) {
  const std::string text = fixture_text("compare_b.json");
  auto j = nlohmann::json::parse(text);
  for (auto& s : j["scenarios"]) s["topology"] = "1n2l2c1t";
  auto b = parse_compare_input("b.json", j.dump());
  ASSERT_TRUE(b);
  auto r = compare_runs(input("compare_a.json"), *b, {});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->scenarios.empty());
  EXPECT_EQ(r->only_in_b, std::vector<std::string>{"steady @ 1n2l2c1t"});
}

TEST(ReportCompare, SchemaErrorsNameFileAndField) {
  auto r = parse_compare_input("new.json", R"({"schema_version": 99, "scenarios": []})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().describe().find("new.json"), std::string::npos);
  EXPECT_NE(r.error().describe().find("schema_version"), std::string::npos);
  auto garbage = parse_compare_input("x.json", "not json");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().describe().find("x.json"), std::string::npos);
  EXPECT_FALSE(load_compare_input("/nonexistent/ktstr.json"));
}

TEST(ReportCompare, ParseMinEffect) {
  auto rel = parse_min_effect("12.5%");
  ASSERT_TRUE(rel);
  EXPECT_TRUE(rel->relative);
  EXPECT_EQ(rel->value, 12.5);
  auto abs = parse_min_effect("3");
  ASSERT_TRUE(abs);
  EXPECT_FALSE(abs->relative);
  EXPECT_FALSE(parse_min_effect("x%"));
  EXPECT_FALSE(parse_min_effect("-1"));
  EXPECT_FALSE(parse_min_effect(""));
  EXPECT_TRUE((MinEffect{10, true}.reached(1.0, 10)));
  EXPECT_FALSE((MinEffect{10, true}.reached(0.9, 10)));
  EXPECT_TRUE((MinEffect{2, false}.reached(-2.0, 50)));
  EXPECT_FALSE((MinEffect{2, false}.reached(0, 50)));
  // A relative threshold near zero needs its absolute floor too.
  EXPECT_FALSE((MinEffect{25, true, 0.001}.reached(4e-5, 0)));
  EXPECT_TRUE((MinEffect{25, true, 0.001}.reached(0.002, 0)));
  auto floored = parse_min_effect("20%,5");
  ASSERT_TRUE(floored);
  EXPECT_TRUE(floored->relative);
  EXPECT_EQ(floored->floor, 5);
  EXPECT_EQ(floored->describe(), "20%,5");
  EXPECT_FALSE(parse_min_effect("3,5"));  // a floor only goes with a percentage
  EXPECT_FALSE(parse_min_effect("20%,x"));
}

TEST(ReportCompare, FalsePositiveRateOnIdenticalRuns) {
  std::mt19937_64 rng(2024);
  constexpr int kComparisons = 200;
  size_t flagged = 0, significant = 0, decisions = 0;
  for (int c = 0; c < kComparisons; ++c) {
    CompareInput a{"a", {}, {}}, b{"b", {}, {}};
    for (size_t r = 0; r < 5; ++r) {
      a.run.scenarios.push_back(test::simulated_scenario(rng, "synthetic", r));
      b.run.scenarios.push_back(test::simulated_scenario(rng, "synthetic", r));
    }
    a.scenario_topology.assign(5, "");
    b.scenario_topology.assign(5, "");
    CompareOptions o;
    o.resamples = 200;  // the decision does not use the CI; keep the test fast
    auto rep = compare_runs(a, b, o);
    ASSERT_TRUE(rep);
    for (const auto& m : rep->scenarios[0].metrics) {
      ++decisions;
      flagged += m.status == MetricStatus::kRegression;
      significant += m.p_worse <= o.alpha;
    }
  }
  // Per metric decision: at most alpha (one-sided, exact) plus sampling slack;
  // the minimum effect only lowers it further.
  EXPECT_LE(static_cast<double>(significant) / static_cast<double>(decisions), 0.05 + 0.02);
  EXPECT_LE(flagged, significant);
}

}  // namespace
}  // namespace ktstr::report
