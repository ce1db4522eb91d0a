// Payloads in scenario files (`kind`, limits in [checks]) and payload
// metrics in `compare`, from documents built here.
#include <gtest/gtest.h>

#include "report/compare.hpp"
#include "scenario/toml_loader.hpp"

namespace ktstr::scenario {
namespace {

constexpr const char* kHeader = R"(name = "p"
[[step]]
hold = "1s"
ops = [{ op = "run_payload", name = "stress", cmd = ["stress-ng", "--cpu", "1"] },
       { op = "run_payload", name = "hb", cmd = ["./bench"], kind = "hackbench" },
       { op = "run_payload", name = "sh", cmd = ["sh", "-c", "true"] }]
)";

TEST(PayloadToml, KindIsDetectedOrGivenAndLimitsAreRead) {
  const std::string text = std::string(kHeader) + R"([checks]
max_gap_ms = 1500
payload.stress.cpu.bogo_ops_per_s = { min = 100 }
"payload.hb.time_s" = { max = 2.5 }
[checks.payload.sh]
"x.y" = { min = 1, max = 3 }
)";
  auto s = parse_scenario_toml(text, "p.toml");
  ASSERT_TRUE(s) << s.error().describe();
  const auto& ops = s->steps[0].ops;
  EXPECT_EQ(ops[0].payload_kind, workload::PayloadKind::kStressNg);
  EXPECT_EQ(ops[1].payload_kind, workload::PayloadKind::kHackbench);
  EXPECT_EQ(ops[2].payload_kind, workload::PayloadKind::kGeneric);
  ASSERT_EQ(s->payload_checks.size(), 3u);
  std::map<std::string, check::PayloadLimit> by;
  for (const auto& l : s->payload_checks) by[l.payload + "." + l.metric] = l;
  EXPECT_EQ(by["stress.cpu.bogo_ops_per_s"].min, 100);
  EXPECT_FALSE(by["stress.cpu.bogo_ops_per_s"].max);
  EXPECT_EQ(by["hb.time_s"].max, 2.5);
  EXPECT_EQ(by["sh.x.y"].min, 1);
  EXPECT_EQ(by["sh.x.y"].max, 3);
}

std::string error_of(const std::string& checks) {
  auto s = parse_scenario_toml(std::string(kHeader) + "[checks]\n" + checks, "p.toml");
  return s ? "(parsed)" : s.error().describe();
}

TEST(PayloadToml, BadKindsAndLimitsNameTheFix) {
  auto s = parse_scenario_toml(R"(name = "p"
[[step]]
ops = [{ op = "run_payload", name = "s", cmd = ["schbench"], kind = "schbench" }]
)",
                               "p.toml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().describe().find("the work type 'schbench'"), std::string::npos)
      << s.error().describe();
  EXPECT_NE(error_of("payload.stress.cpu = 5\n").find("needs { min = N }"), std::string::npos);
  EXPECT_NE(error_of("payload.nope.time_s = { max = 1 }\n").find("no run_payload op starts"),
            std::string::npos);
  EXPECT_NE(error_of("payload.hb.time_s = { max = \"1\" }\n").find("max must be a number"),
            std::string::npos);
  EXPECT_NE(error_of("payload = 3\n").find("payload.NAME.METRIC"), std::string::npos);
}

ScenarioResult with_bogo(double v) {
  ScenarioResult r;
  r.name = "p";
  workload::PayloadResult p;
  p.name = "stress";
  p.kind = "stress-ng";
  p.metrics = {{"cpu.bogo_ops_per_s", v, "/s", true}, {"cpu.bogo_ops", v * 2, "", true}};
  r.payloads.push_back(p);
  return r;
}

report::CompareInput input(const std::vector<double>& values) {
  report::CompareInput in;
  in.path = "x.json";
  for (double v : values) {
    in.run.scenarios.push_back(with_bogo(v));
    in.scenario_topology.emplace_back();
  }
  return in;
}

TEST(PayloadCompare, PayloadMetricsAreComparedLikeWorkerMetrics) {
  auto rep = report::compare_runs(input({1000, 1010, 990, 1005, 995}),
                                  input({500, 510, 490, 505, 495}), {});
  ASSERT_TRUE(rep) << rep.error().describe();
  ASSERT_EQ(rep->scenarios.size(), 1u);
  const report::MetricComparison* bogo = nullptr;
  for (const auto& m : rep->scenarios[0].metrics) {
    if (m.metric == "payload.stress.cpu.bogo_ops_per_s") bogo = &m;
  }
  ASSERT_NE(bogo, nullptr);
  EXPECT_EQ(bogo->better, report::Better::kHigher);
  EXPECT_EQ(bogo->unit, "/s");
  EXPECT_DOUBLE_EQ(bogo->mean_a, 1000);
  EXPECT_DOUBLE_EQ(bogo->mean_b, 500);
  EXPECT_EQ(bogo->status, report::MetricStatus::kRegression);

  report::CompareOptions only;
  only.metrics = {"payload.stress.cpu.bogo_ops"};
  rep = report::compare_runs(input({1, 2, 3}), input({1, 2, 3}), only);
  ASSERT_TRUE(rep) << rep.error().describe();
  ASSERT_EQ(rep->scenarios[0].metrics.size(), 1u);
  EXPECT_EQ(rep->scenarios[0].metrics[0].metric, "payload.stress.cpu.bogo_ops");
}

}  // namespace
}  // namespace ktstr::scenario
