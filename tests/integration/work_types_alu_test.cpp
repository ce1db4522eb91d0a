// alu_hot, smt_sibling_spin, ipc_variance, sequence: cost samples per
// iteration at the width that actually ran, the SMT placement check, two
// cost modes for ipc_variance, and every sequence phase running each pass.
#include <gtest/gtest.h>

#include <algorithm>

#include "util/cpu_list.hpp"
#include "util/file_io.hpp"
#include "work_types_misc_util.hpp"
#include "workload/work_types/alu_kernels.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;
using workload::VecWidth;

class AluModes : public ::testing::TestWithParam<CloneMode> {};

void expect_cost_per_iteration(const workload::WorkerReport& r) {
  ASSERT_GT(r.iterations, 0u);
  EXPECT_EQ(r.iteration_cost_sample_total, r.iterations);
  EXPECT_EQ(r.wake_sample_total, 0u) << "a pure compute type never blocks";
  ASSERT_FALSE(r.iteration_costs_ns.empty());
  auto costs = r.iteration_costs_ns;
  std::nth_element(costs.begin(), costs.begin() + costs.size() / 2, costs.end());
  EXPECT_GT(costs[costs.size() / 2], 0u);
}

TEST_P(AluModes, AluHotScalarAndWidest) {
  for (const char* width : {"scalar", "widest"}) {
    SCOPED_TRACE(width);
    auto reports = run_reports("alu_hot", 1, {{"width", width}}, GetParam(), 250'000'000);
    ASSERT_EQ(reports.size(), 1u);
    const auto& r = reports[0];
    expect_cost_per_iteration(r);
    EXPECT_TRUE(r.warnings.empty());
    const VecWidth want =
        std::string(width) == "scalar" ? VecWidth::kScalar : workload::widest_vec_width();
    EXPECT_EQ(extra_or(r, "width_bits", 0), workload::vec_width_bits(want));
  }
}

TEST_P(AluModes, IpcVarianceHasAFastAndASlowMode) {
  auto reports = run_reports(
      "ipc_variance", 1,
      {{"hot_iters", "20000"}, {"cold_iters", "1024"}, {"period_iters", "8"}, {"buffer_mib", "16"}},
      GetParam(), 1'500'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  expect_cost_per_iteration(r);
  ASSERT_GT(extra_or(r, "hot_iterations", 0), 0);
  ASSERT_GT(extra_or(r, "cold_iterations", 0), 0) << "never switched phase";
  // A dependent cache-missing load costs tens of multiply-adds or more.
  EXPECT_GT(extra_or(r, "cold_ns_per_op", 0), 5 * extra_or(r, "hot_ns_per_op", 1e9));
  const auto [lo, hi] =
      std::minmax_element(r.iteration_costs_ns.begin(), r.iteration_costs_ns.end());
  EXPECT_GT(static_cast<double>(*hi), 1.5 * static_cast<double>(*lo));
}

TEST_P(AluModes, SequenceRunsEveryPhaseEachPass) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto reports = run_reports(
      "sequence", 1,
      {{"phases", "spin:5ms,sleep:3ms,yield:1ms,io:2ms,alu_hot:scalar:3ms"}, {"dir", dir.path()}},
      GetParam(), 600'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  ASSERT_GT(r.iterations, 5u);
  const char* keys[] = {"phase1_spin_runs", "phase2_sleep_runs", "phase3_yield_runs",
                        "phase4_io_runs", "phase5_alu_hot_runs"};
  for (const char* key : keys) {
    const double runs = extra_or(r, key, -1);
    EXPECT_GE(runs, static_cast<double>(r.iterations)) << key;
    EXPECT_LE(runs, static_cast<double>(r.iterations) + 1) << key;
  }
  EXPECT_GE(extra_or(r, "io_bytes_written", 0), 4096.0 * static_cast<double>(r.iterations));
  // At least one sleep, one yield and one io sample per pass.
  EXPECT_GE(r.wake_sample_total, 3 * r.iterations);
  EXPECT_TRUE(dir.empty());
}

INSTANTIATE_TEST_SUITE_P(Modes, AluModes, ::testing::Values(CloneMode::kFork, CloneMode::kThread),
                         mode_param_name);

TEST(AluWorkTypes, EveryWidthRunsOrDowngradesToTheWidest) {
  for (VecWidth w : {VecWidth::kScalar, VecWidth::kVec128, VecWidth::kVec256, VecWidth::kVec512}) {
    const std::string name = workload::vec_width_name(w);
    SCOPED_TRACE(name);
    auto reports = run_reports("alu_hot", 1, {{"width", name}}, CloneMode::kThread, 120'000'000);
    ASSERT_EQ(reports.size(), 1u);
    const auto& r = reports[0];
    EXPECT_GT(r.iteration_cost_sample_total, 0u);
    if (workload::vec_width_supported(w)) {
      EXPECT_EQ(extra_or(r, "width_bits", 0), workload::vec_width_bits(w));
      EXPECT_TRUE(r.warnings.empty());
    } else {
      EXPECT_EQ(extra_or(r, "width_bits", 0),
                workload::vec_width_bits(workload::widest_vec_width()));
      ASSERT_EQ(r.warnings.size(), 1u) << "warn once, not per iteration";
      EXPECT_NE(r.warnings[0].find(name), std::string::npos) << r.warnings[0];
    }
  }
}

TEST(AluWorkTypes, SmtPairUnpinnedWarnsOnce) {
  for (CloneMode mode : {CloneMode::kFork, CloneMode::kThread}) {
    SCOPED_TRACE(mode_name(mode));
    auto reports = run_reports("smt_sibling_spin", 2, {}, mode, 250'000'000);
    ASSERT_EQ(reports.size(), 2u);
    for (const auto& r : reports) expect_cost_per_iteration(r);
    ASSERT_EQ(reports[0].warnings.size(), 1u);
    EXPECT_NE(reports[0].warnings[0].find("not pinned"), std::string::npos);
    EXPECT_EQ(extra_or(reports[0], "smt_siblings", -1), 0);
    EXPECT_TRUE(reports[1].warnings.empty()) << "only the pair's first worker reports";
  }
}

TEST(AluWorkTypes, SmtPairPinnedChecksSysfsSiblings) {
  auto cfg = make_config("smt_sibling_spin", 2);
  auto h = workload::WorkloadHandle::spawn(cfg);
  ASSERT_TRUE(h.has_value()) << h.error().describe();
  auto& handle = *h;
  if (!handle.set_affinity(0, {0}) || !handle.set_affinity(1, {1})) {
    GTEST_SKIP() << "needs CPUs 0 and 1";
  }
  handle.start();
  timespec ts{0, 250'000'000};
  nanosleep(&ts, nullptr);
  auto reports = handle.stop_and_collect();
  ASSERT_EQ(reports.size(), 2u);
  auto text = read_file("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list");
  ASSERT_TRUE(text.has_value());
  auto siblings = parse_cpu_list(*text);
  ASSERT_TRUE(siblings.has_value());
  if (siblings->count(1) != 0) {
    EXPECT_TRUE(reports[0].warnings.empty());
    EXPECT_EQ(extra_or(reports[0], "smt_siblings", -1), 1);
  } else {
    ASSERT_EQ(reports[0].warnings.size(), 1u);
    EXPECT_NE(reports[0].warnings[0].find("cpus 0 and 1 are not SMT siblings"), std::string::npos)
        << reports[0].warnings[0];
    EXPECT_EQ(extra_or(reports[0], "smt_siblings", -1), 0);
  }
  EXPECT_EQ(reports[0].cpus_used, (CpuSet{0}));
  EXPECT_EQ(reports[1].cpus_used, (CpuSet{1}));
}

TEST(AluWorkTypes, BadParamsAreRejectedByName) {
  expect_rejected("ipc_variance", {{"hot_iters", "0"}}, "hot_iters");
  expect_rejected("ipc_variance", {{"cold_iters", "0"}}, "cold_iters");
  expect_rejected("ipc_variance", {{"period_iters", "0"}}, "period_iters");
  expect_rejected("alu_hot", {{"width", "vec1024"}}, "width");
  expect_rejected("smt_sibling_spin", {}, "num_workers", 3);
  expect_rejected("sequence", {{"phases", "spin:1ms,foo:1ms"}}, "phase 2 'foo:1ms'");
  expect_rejected("sequence", {{"phases", "spin"}}, "phase 1 'spin'");
  expect_rejected("sequence", {{"phases", "spin:10"}}, "bad duration '10'");
  expect_rejected("sequence", {{"phases", "sleep:0ms"}}, "greater than zero");
  expect_rejected("sequence", {{"phases", "alu_hot:vec999:1ms"}}, "unknown width 'vec999'");
  expect_rejected("sequence", {{"phases", "yield:1ms:2ms"}}, "phase 1 'yield:1ms:2ms'");
  expect_rejected("sequence", {{"phases", ""}}, "phases");
}

}  // namespace
}  // namespace ktstr::testing
