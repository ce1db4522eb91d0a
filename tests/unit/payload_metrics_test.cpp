// Payload parsers on output captured from the real tools (tests/data/payload/:
// stress-ng 0.15.06, fio 3.33, cyclictest and hackbench of rt-tests 2.4),
// kind detection, the options ktstr adds, and the payload checks.
#include <gtest/gtest.h>

#include "check/payload_checks.hpp"
#include "util/file_io.hpp"
#include "workload/payload_metrics.hpp"

namespace ktstr::workload {
namespace {

std::string data(const std::string& name) {
  auto text = read_file(std::string(KTSTR_TEST_DATA_DIR) + "/payload/" + name);
  EXPECT_TRUE(text) << name;
  return text ? *text : "";
}

const PayloadMetric* find(const std::vector<PayloadMetric>& ms, const std::string& name) {
  for (const auto& m : ms) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

TEST(PayloadMetrics, StressNgYamlGivesBogoOpsPerStressor) {
  auto m = parse_stress_ng_yaml(data("stress-ng.yaml"));
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_EQ(m->size(), 4u);
  const auto* cpu = find(*m, "cpu.bogo_ops_per_s");
  ASSERT_NE(cpu, nullptr);
  EXPECT_DOUBLE_EQ(cpu->value, 324.617459);
  EXPECT_TRUE(cpu->higher_is_better);
  EXPECT_EQ(cpu->unit, "/s");
  ASSERT_NE(find(*m, "matrix.bogo_ops"), nullptr);
  EXPECT_DOUBLE_EQ(find(*m, "matrix.bogo_ops")->value, 936);
  // The per-method matrix rates are not bogo-ops: not metrics.
  EXPECT_EQ(find(*m, "matrix.add-matrix-ops-per-sec"), nullptr);
}

TEST(PayloadMetrics, StressNgYamlWithoutMetricsIsRefused) {
  auto m = parse_stress_ng_yaml("---\nsystem-info:\n      cpus: 2\n...\n");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("--metrics-brief"), std::string::npos);
}

TEST(PayloadMetrics, FioJsonGivesIopsAndLatencyPercentiles) {
  // fio may print warnings before its JSON.
  auto m = parse_fio_json("note: a warning\n" + data("fio.json"));
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_NE(find(*m, "rd.read.iops"), nullptr);
  EXPECT_DOUBLE_EQ(find(*m, "rd.read.iops")->value, 11242.757243);
  EXPECT_DOUBLE_EQ(find(*m, "rd.read.clat_p50_us")->value, 73.216);
  EXPECT_DOUBLE_EQ(find(*m, "rd.read.clat_p99_us")->value, 209.92);
  EXPECT_DOUBLE_EQ(find(*m, "rd.read.clat_p999_us")->value, 4079.616);
  EXPECT_FALSE(find(*m, "rd.read.clat_p99_us")->higher_is_better);
  EXPECT_EQ(find(*m, "rd.write.iops"), nullptr) << "a direction without I/O has no metrics";
  EXPECT_FALSE(parse_fio_json("fio: bad option\n"));
  EXPECT_FALSE(parse_fio_json(R"({"jobs": []})"));
}

TEST(PayloadMetrics, CyclictestJsonGivesMinAvgMaxAndPercentiles) {
  auto m = parse_cyclictest_json(data("cyclictest.json"));
  ASSERT_TRUE(m) << m.error().describe();
  // Two threads: min 70 and 34, max 4963 and 3934 (the captured run).
  EXPECT_DOUBLE_EQ(find(*m, "latency_min_us")->value, 34);
  EXPECT_DOUBLE_EQ(find(*m, "latency_max_us")->value, 4963);
  const double avg = find(*m, "latency_avg_us")->value;
  EXPECT_GT(avg, 90);
  EXPECT_LT(avg, 110);
  const double p50 = find(*m, "latency_p50_us")->value;
  const double p99 = find(*m, "latency_p99_us")->value;
  EXPECT_GE(p50, 34);
  EXPECT_LE(p50, p99);
  EXPECT_LE(p99, find(*m, "latency_p999_us")->value);
  EXPECT_LE(find(*m, "latency_p999_us")->value, 4963);
}

TEST(PayloadMetrics, CyclictestWithoutHistogramHasNoPercentiles) {
  auto m = parse_cyclictest_json(
      R"({"thread": {"0": {"histogram": {}, "cycles": 982, "min": 33, "max": 7878, "avg": 111.33}}})");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->size(), 3u);
  EXPECT_DOUBLE_EQ(find(*m, "latency_avg_us")->value, 111.33);
  EXPECT_FALSE(parse_cyclictest_json(R"({"thread": {}})"));
}

TEST(PayloadMetrics, HackbenchTimeLine) {
  auto m = parse_hackbench_output(data("hackbench.txt"));
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ(m->front().name, "time_s");
  EXPECT_DOUBLE_EQ(m->front().value, 0.233);
  EXPECT_FALSE(parse_hackbench_output("Running in process mode\nTime: soon\n"));
  EXPECT_FALSE(parse_hackbench_output(""));
}

TEST(PayloadMetrics, KindsAreDetectedByProgramName) {
  EXPECT_EQ(detect_payload_kind("/usr/bin/stress-ng"), PayloadKind::kStressNg);
  EXPECT_EQ(detect_payload_kind("hackbench"), PayloadKind::kHackbench);
  EXPECT_EQ(detect_payload_kind("sh"), PayloadKind::kGeneric);
  EXPECT_EQ(payload_package(PayloadKind::kCyclictest), "rt-tests");
  EXPECT_EQ(payload_package(PayloadKind::kFio), "fio");
  EXPECT_FALSE(parse_payload_kind("schbench"));
}

TEST(PayloadMetrics, CommandGetsTheResultOptionsOnlyWhenMissing) {
  auto c = payload_command(PayloadKind::kStressNg, {"stress-ng", "--cpu", "1"}, "/d");
  EXPECT_EQ(c.result_file, "/d/stress-ng.yaml");
  EXPECT_EQ(c.argv, (std::vector<std::string>{"stress-ng", "--cpu", "1", "--yaml",
                                              "/d/stress-ng.yaml", "--metrics-brief"}));
  c = payload_command(PayloadKind::kStressNg, {"stress-ng", "-Y", "/x.yaml", "--metrics"}, "/d");
  EXPECT_EQ(c.result_file, "/x.yaml");
  EXPECT_EQ(c.argv.size(), 4u);
  c = payload_command(PayloadKind::kFio, {"fio", "job.fio"}, "/d");
  EXPECT_EQ(c.argv.back(), "--output-format=json");
  EXPECT_EQ(c.result_file, "");
  c = payload_command(PayloadKind::kCyclictest, {"cyclictest", "-D", "1"}, "/d");
  EXPECT_EQ(c.argv.back(), "--json=/d/cyclictest.json");
  c = payload_command(PayloadKind::kHackbench, {"hackbench"}, "/d");
  EXPECT_EQ(c.argv.size(), 1u);
}

PayloadResult stress_result() {
  PayloadResult p;
  p.name = "stress";
  p.kind = "stress-ng";
  p.exit = "exited with status 0";
  p.metrics = {{"cpu.bogo_ops_per_s", 1200, "/s", true}};
  return p;
}

TEST(PayloadChecks, LimitsPassFailAndNameWhatIsMissing) {
  using check::PayloadLimit;
  using check::Verdict;
  const std::vector<PayloadLimit> limits = {{"stress", "cpu.bogo_ops_per_s", 1000, std::nullopt},
                                            {"stress", "cpu.bogo_ops_per_s", 2000, std::nullopt},
                                            {"stress", "cpu.bogo", std::nullopt, 5},
                                            {"other", "time_s", std::nullopt, 1}};
  auto r = check::evaluate_payload_checks(limits, {stress_result()});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].name, "payload.stress");
  EXPECT_EQ(r[0].verdict, Verdict::kPass);
  EXPECT_EQ(r[1].name, "payload.stress.cpu.bogo_ops_per_s");
  EXPECT_EQ(r[1].verdict, Verdict::kPass);
  EXPECT_EQ(r[1].value, 1200);
  EXPECT_EQ(r[2].verdict, Verdict::kFail);
  EXPECT_EQ(r[2].threshold, 2000);
  EXPECT_EQ(r[3].verdict, Verdict::kFail);
  EXPECT_NE(r[3].detail.find("it has: cpu.bogo_ops_per_s"), std::string::npos) << r[3].detail;
  EXPECT_NE(r[4].detail.find("never ran"), std::string::npos);
  EXPECT_TRUE(check::timing_sensitive(r[1].name));
  EXPECT_FALSE(check::timing_sensitive(r[0].name));
}

TEST(PayloadChecks, AFailedPayloadFailsWithItsOutputTail) {
  auto p = stress_result();
  p.metrics.clear();
  p.error = "exited with status 2";
  p.output = "line1\nline2\nstress-ng: error: bad option\n";
  auto r = check::evaluate_payload_checks({}, {p});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].verdict, check::Verdict::kFail);
  EXPECT_NE(r[0].detail.find("payload stress (stress-ng): exited with status 2"),
            std::string::npos);
  EXPECT_NE(r[0].detail.find("stress-ng: error: bad option"), std::string::npos);
  EXPECT_EQ(check::output_tail("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(check::output_tail("a\nb\nc", 5), "a\nb\nc");
  EXPECT_EQ(check::output_tail("", 3), "");
}

}  // namespace
}  // namespace ktstr::workload
