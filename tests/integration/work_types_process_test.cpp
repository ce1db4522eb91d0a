// Process family signatures: one waitpid sample per reaped child, and
// SIGUSR2 deliveries counted by the receiving partner.
#include <gtest/gtest.h>

#include "work_types_sync_helpers.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;

TEST(ProcessTypes, ForkExitSamplesEveryReap) {
  auto reports = run_completed(make_config("fork_exit", 2), 300);
  ASSERT_EQ(reports.size(), 2U);
  for (const auto& r : reports) {
    const double reaps = extra(r, "reaps");
    // Progress only: under ASan a fork costs ~15 ms, so 300 ms gives ~18
    // reaps per worker; what this test proves is one sample per reap.
    EXPECT_GT(reaps, 5) << "worker " << r.worker_index;
    EXPECT_EQ(static_cast<double>(r.wake_sample_total), reaps);
    EXPECT_EQ(static_cast<double>(r.iterations), reaps);
  }
}

TEST(ProcessTypes, ForkExitIsForkModeOnly) {
  expect_rejected(make_config("fork_exit", 1, {}, CloneMode::kThread),
                  {"fork_exit", "clone_mode=thread is not allowed", "own process"});
  workload::WorkSpec spec;
  spec.work.name = "fork_exit";
  spec.num_workers = 1;
  auto h = workload::WorkloadHandle::spawn_pcomm("fe", std::nullopt, std::nullopt, {spec});
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error().kind, ErrorKind::kInvalidInput);
  // A pcomm container runs its workers as threads, so either refusal applies.
  EXPECT_NE(h.error().describe().find("is not allowed"), std::string::npos) << h.error().describe();
  EXPECT_NE(h.error().describe().find("no pcomm"), std::string::npos) << h.error().describe();
}

class SignalStorm : public ::testing::TestWithParam<CloneMode> {};

TEST_P(SignalStorm, PartnersReceiveEachOthersSignals) {
  auto reports =
      run_completed(make_config("signal_storm", 4, {{"signals_per_iter", "8"}}, GetParam()), 300);
  ASSERT_EQ(reports.size(), 4U);
  for (const auto& pair : units_of(reports, 2)) {
    for (size_t i = 0; i < 2; ++i) {
      const auto& me = pair[i];
      const auto& partner = pair[i ^ 1];
      const double sent = extra(me, "signals_sent");
      EXPECT_GT(sent, 0) << "worker " << me.worker_index;
      EXPECT_LE(sent, 8.0 * static_cast<double>(me.iterations));
      // Pending standard signals coalesce, so some deliveries merge; none
      // can appear from nowhere.
      const double received = extra(me, "signals_received");
      EXPECT_GT(received, 0) << "worker " << me.worker_index << " got no SIGUSR2";
      EXPECT_LE(received, extra(partner, "signals_sent"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SignalStorm, ::testing::ValuesIn(kBothModes), mode_name);

TEST(ProcessTypesValidation, RejectsZeroKnobsAndOddWorkers) {
  expect_rejected(make_config("signal_storm", 2, {{"signals_per_iter", "0"}}),
                  {"signals_per_iter"});
  expect_rejected(make_config("signal_storm", 2, {{"work_iters", "0"}}), {"work_iters"});
  expect_rejected(make_config("signal_storm", 3), {"signal_storm", "multiple of 2"});
}

}  // namespace
}  // namespace ktstr::testing
