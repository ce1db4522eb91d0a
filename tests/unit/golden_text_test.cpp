// Terminal text of `ktstr run`, `workload`, `list` (and, in
// report_compare_test.cpp, `compare`) against tests/data/golden/, rendered
// from fixed inputs so the text is deterministic. Regenerate every golden:
//   KTSTR_UPDATE_GOLDEN=1 build/tests/ktstr_unit_tests --gtest_filter='*Golden*'
#include <gtest/gtest.h>

#include "check/table.hpp"

#include "report/catalogues.hpp"
#include "report/run_text.hpp"
#include "report/workload_text.hpp"
#include "report_golden.hpp"
#include "workload/summary.hpp"

namespace ktstr::report {
namespace {

using testing::expect_golden;
using testing::load_fixture;

TEST(GoldenText, RunReport) {
  expect_golden("run_mixed.txt", render_run_text(load_fixture("run_mixed.json")));
}

// A busy host: a timing failure turned inconclusive by the noise, a
// starvation that still fails, a host-noise line per scenario.
TEST(GoldenText, RunReportUnderNoise) {
  expect_golden("run_noisy.txt", render_run_text(load_fixture("run_noisy.json")));
}

TEST(GoldenText, RunDoneAndProgressLines) {
  const auto run = load_fixture("run_mixed.json");
  ASSERT_EQ(run.scenarios.size(), 4u);
  std::string text;
  for (size_t i = 0; i < run.scenarios.size(); ++i) {
    text += render_done_line(run.scenarios[i], i + 1, run.scenarios.size()) + "\n";
  }
  scenario::Progress p{"steady", 2, 3, 1'250'000'000, 3'000'000'000, "step 2/3: hold"};
  text += render_progress(p, 2, 4) + "\n";
  expect_golden("run_mixed.lines.txt", text);
}

// Two workers: one with wake samples (percentiles 50/99 of 1..100 us), one
// that timed out without samples and with an affinity error and a warning.
std::vector<workload::WorkerReport> fixed_workers() {
  workload::WorkerReport a;
  a.tid = 4242;
  a.work_type = "futex_ping_pong";
  a.work_units = 123456;
  a.iterations = 61728;
  a.cpu_time_ns = 1'500'000'000;
  a.wall_time_ns = 2'000'000'000;
  a.off_cpu_ns = 500'000'000;
  a.migration_count = 7;
  a.max_gap_ms = 3.25;
  a.max_gap_cpu = 1;
  for (uint64_t us = 100; us >= 1; --us) a.wake_latencies_ns.push_back(us * 1000);
  a.wake_sample_total = 100;
  // Wakeups: 1..10 us on the waker's CPU, 11..20 us elsewhere in its LLC,
  // with totals beyond what the reservoir kept.
  for (int us = 1; us <= 20; ++us) {
    a.wakeup_latencies.push_back(
        {static_cast<uint64_t>(us) * 1000, 0, us <= 10 ? 0 : 1,
         us <= 10 ? workload::Placement::kSameCpu : workload::Placement::kSameLlc});
  }
  a.wakeup_sample_total = 30;
  a.wakeup_placement_totals = {12, 18, 0, 0, 0};
  a.completed = true;
  workload::WorkerReport b;
  b.tid = 4243;
  b.worker_index = 1;
  b.group_idx = 1;
  b.work_type = "futex_ping_pong";
  b.work_units = 1000;
  b.iterations = 500;
  b.wall_time_ns = 2'000'000'000;
  b.off_cpu_ns = 1'900'000'000;
  b.max_gap_ms = 150.5;
  b.max_gap_cpu = 0;
  b.exit_info = workload::ExitInfo{workload::ExitInfo::Kind::kTimedOut, 0, "no exit in 5s"};
  b.affinity_error = "cpu 9 is not online";
  b.warnings = {"nice 5 not applied"};
  return {a, b};
}

TEST(GoldenText, WorkloadTable) {
  const auto reports = fixed_workers();
  expect_golden("workload.txt",
                render_workload_text(reports, workload::summarize(reports), "futex_ping_pong"));
}

TEST(GoldenText, WorkloadPercentilesAreNearestRank) {
  // 1..100 us: nearest rank p50 = 50 us, p99 = 99 us (util/stats.hpp).
  const auto text = render_workload_text(fixed_workers(), {}, "t");
  EXPECT_NE(text.find(" 50.0       99.0 ok"), std::string::npos) << text;
}

TEST(GoldenText, ListCatalogues) {
  ASSERT_EQ(list_catalogues().size(), 4u);
  for (const auto& c : list_catalogues()) {
    // Debug builds of the harness use looser default limits (check/table.cpp),
    // which `list checks` shows: they have their own golden.
    const bool debug_variant = c.name == "checks" && check::is_debug_build();
    expect_golden("list_" + c.name + (debug_variant ? ".debug" : "") + ".txt",
                  render_catalogue(c, CatalogueFormat::kText));
  }
}

TEST(GoldenText, UnknownCatalogueNamesTheChoices) {
  auto c = find_catalogue("bogus");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(c.error().message.find("work-types, scenarios, checks, presets"), std::string::npos)
      << c.error().message;
  auto w = find_catalogue("checks");
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)->name, "checks");
}

}  // namespace
}  // namespace ktstr::report
