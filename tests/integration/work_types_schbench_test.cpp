// schbench: ordered latency percentiles, throughput, the think time inside
// every request, rate limiting, and prompt shutdown of the inner threads.
#include <gtest/gtest.h>

#include <filesystem>

#include "work_types_misc_util.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;
using workload::WorkerReport;

void expect_ordered(const WorkerReport& r, const std::string& prefix) {
  const double p50 = extra_or(r, prefix + "_p50_us", -1);
  const double p99 = extra_or(r, prefix + "_p99_us", -1);
  const double p999 = extra_or(r, prefix + "_p999_us", -1);
  const double max = extra_or(r, prefix + "_max_us", -1);
  EXPECT_GT(p50, 0) << prefix;
  EXPECT_LE(p50, p99) << prefix;
  EXPECT_LE(p99, p999) << prefix;
  EXPECT_LE(p999, max) << prefix;
}

void expect_schbench_signature(const WorkerReport& r, double sleep_us) {
  const double requests = extra_or(r, "requests", -1);
  ASSERT_GT(requests, 0);
  EXPECT_GT(extra_or(r, "rps", 0), 0);
  expect_ordered(r, "wakeup");
  expect_ordered(r, "request");
  // Every request thinks for sleep_us, so none is faster (1.6% histogram
  // resolution aside), and the median request outlasts the median wakeup.
  EXPECT_GE(extra_or(r, "request_p50_us", 0), 0.95 * sleep_us);
  EXPECT_GT(extra_or(r, "request_p50_us", 0), extra_or(r, "wakeup_p50_us", 0));
  // Each request began with a wakeup sample; the host publishes one
  // iteration per completed request.
  EXPECT_GE(static_cast<double>(r.wake_sample_total), requests);
  EXPECT_EQ(static_cast<double>(r.iterations), requests);
}

size_t own_thread_count() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

struct SchbenchCase {
  CloneMode mode;
  bool pipe;
};

class SchbenchModes : public ::testing::TestWithParam<SchbenchCase> {};

TEST_P(SchbenchModes, PercentilesOrderedAndRequestsFlow) {
  const size_t threads_before = own_thread_count();
  auto reports = run_reports(
      "schbench", 1,
      {{"workers", "2"}, {"message_threads", "1"}, {"pipe", GetParam().pipe ? "true" : "false"}},
      GetParam().mode, 700'000'000);
  ASSERT_EQ(reports.size(), 1u);
  expect_schbench_signature(reports[0], 100);
  EXPECT_EQ(extra_or(reports[0], "threads", 0), 3);
  EXPECT_EQ(own_thread_count(), threads_before) << "inner threads outlived the workload";
}

INSTANTIATE_TEST_SUITE_P(Modes, SchbenchModes,
                         ::testing::Values(SchbenchCase{CloneMode::kFork, false},
                                           SchbenchCase{CloneMode::kThread, false},
                                           SchbenchCase{CloneMode::kFork, true},
                                           SchbenchCase{CloneMode::kThread, true}),
                         [](const ::testing::TestParamInfo<SchbenchCase>& p) {
                           return std::string(mode_name(p.param.mode)) +
                                  (p.param.pipe ? "_pipe" : "_futex");
                         });

// A small footprint keeps capacity far above 50 rps even in a sanitizer
// build on a loaded machine, so the rate limit is what is measured.
TEST(SchbenchWorkType, RpsLimitsThroughput) {
  auto reports =
      run_reports("schbench", 1, {{"rps", "50"}, {"workers", "2"}, {"footprint_kib", "16"}},
                  CloneMode::kThread, 1'000'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  expect_schbench_signature(r, 100);
  const double expected = 50 * static_cast<double>(r.wall_time_ns) / 1e9;
  EXPECT_LE(extra_or(r, "requests", 0), 1.05 * expected + 2);
  EXPECT_GE(extra_or(r, "requests", 0), 0.5 * expected);
}

TEST(SchbenchWorkType, StopInterruptsLongMatrixWork) {
  // ~1.6k x 1.6k matrices: one multiply is ~4.7G multiply-adds (seconds),
  // so only a stop check inside the multiply lets the workload end promptly.
  for (CloneMode mode : {CloneMode::kFork, CloneMode::kThread}) {
    SCOPED_TRACE(mode_name(mode));
    auto h = workload::WorkloadHandle::spawn(
        make_config("schbench", 1, {{"footprint_kib", "65536"}, {"workers", "1"}}, mode));
    ASSERT_TRUE(h.has_value()) << h.error().describe();
    h->start();
    timespec ts{0, 400'000'000};
    nanosleep(&ts, nullptr);
    const uint64_t before = mono_ns();
    auto reports = h->stop_and_collect();
    const uint64_t stop_ns = mono_ns() - before;
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_TRUE(reports[0].completed);
    // Unloaded this takes ~50 ms; one uninterrupted multiply would take
    // seconds. The margin absorbs a heavily loaded 2-CPU machine.
    EXPECT_LT(stop_ns, 1'000'000'000u) << "inner threads must stop promptly";
  }
}

TEST(SchbenchWorkType, BadParamsAreRejectedByName) {
  expect_rejected("schbench", {{"message_threads", "0"}}, "message_threads");
  expect_rejected("schbench", {{"workers", "0"}}, "workers");
  expect_rejected("schbench", {{"ops", "0"}}, "ops");
  expect_rejected("schbench", {{"footprint_kib", "0"}}, "footprint_kib");
  expect_rejected("schbench", {{"sleep_us", "-1"}}, "sleep_us");
  expect_rejected("schbench", {{"rps", "-5"}}, "rps");
  expect_rejected("schbench", {{"message_threads", "64"}, {"workers", "256"}}, "message_threads");
}

}  // namespace
}  // namespace ktstr::testing
