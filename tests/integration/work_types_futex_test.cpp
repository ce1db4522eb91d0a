// Futex family signatures: fan-out receivers woken by one messenger, a
// lock whose holds add up, a herd woken once per batch, a ring whose items
// are conserved. Each runs in fork and thread mode.
#include <gtest/gtest.h>

#include <cstdlib>

#include "work_types_sync_helpers.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;
using workload::WorkerReport;

class FutexTypes : public ::testing::TestWithParam<CloneMode> {};

TEST_P(FutexTypes, FanOutReceiversAreWokenByOneMessengerPerUnit) {
  auto reports =
      run_completed(make_config("futex_fan_out", 6, {{"fan_out", "2"}}, GetParam()), 400);
  ASSERT_EQ(reports.size(), 6U);
  for (const auto& unit : units_of(reports, 3)) {
    size_t messengers = 0;
    for (const auto& r : unit) {
      if (r.is_messenger) {
        ++messengers;
        EXPECT_EQ(r.wake_sample_total, 0U);
        EXPECT_GT(r.iterations, 0U);
      } else {
        EXPECT_GT(r.wake_sample_total, 0U) << "receiver " << r.worker_index << " never woke";
        EXPECT_EQ(r.wake_sample_total, r.iterations);
        // A receiver cannot wake more often than its messenger broadcast.
        EXPECT_LE(r.iterations, unit.front().iterations + 1);
      }
    }
    EXPECT_EQ(messengers, 1U);
    EXPECT_TRUE(unit.front().is_messenger);
  }
}

TEST_P(FutexTypes, FanOutComputeRunsLockstepRounds) {
  auto c =
      make_config("fan_out_compute", 3,
                  {{"fan_out", "2"}, {"footprint_kib", "48"}, {"operations", "2"}}, GetParam());
  auto reports = run_completed(c, 400);
  ASSERT_EQ(reports.size(), 3U);
  const WorkerReport& messenger = reports[0];
  EXPECT_TRUE(messenger.is_messenger);
  EXPECT_GT(messenger.iterations, 5U);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_FALSE(reports[i].is_messenger);
    EXPECT_GT(reports[i].wake_sample_total, 0U);
    // Every round waits for every worker's ack, so rounds differ by at most
    // the one in flight at stop.
    EXPECT_LE(std::llabs(static_cast<long long>(reports[i].iterations) -
                         static_cast<long long>(messenger.iterations)),
              1);
    // Each full round is 2 multiplies of n^3 units, n = sqrt(48 KiB / 24) = 45;
    // the round in flight at stop may be cut short.
    ASSERT_GT(reports[i].iterations, 1U);
    EXPECT_GE(reports[i].work_units, (reports[i].iterations - 1) * 2 * 45 * 45 * 45);
  }
}

TEST_P(FutexTypes, MutexContentionHoldsAddUpAndWaitsAreSampled) {
  auto c =
      make_config("mutex_contention", 8,
                  {{"contenders", "4"}, {"hold_iters", "4096"}, {"work_iters", "512"}}, GetParam());
  auto reports = run_completed(c, 400);
  ASSERT_EQ(reports.size(), 8U);
  for (const auto& unit : units_of(reports, 4)) {
    double holds = 0, final_count = 0, contended = 0, samples = 0;
    for (const auto& r : unit) {
      holds += extra(r, "lock_holds");
      contended += extra(r, "contended_waits");
      samples += static_cast<double>(r.wake_sample_total);
      final_count = std::max(final_count, extra(r, "unit_holds_at_exit"));
      EXPECT_EQ(extra(r, "lock_holds"), static_cast<double>(r.iterations));
    }
    EXPECT_GT(holds, 0);
    // The counter is only bumped non-atomically under the lock.
    EXPECT_EQ(holds, final_count);
    EXPECT_GT(contended, 0) << "4 contenders on 2 CPUs never contended";
    EXPECT_EQ(contended, samples);
  }
}

TEST_P(FutexTypes, ThunderingHerdWakesEveryWaiterEachBatch) {
  auto c = make_config("thundering_herd", 4,
                       {{"waiters", "3"}, {"batches", "20"}, {"inter_batch_ms", "10"}}, GetParam());
  auto reports = run_completed(c, 600);
  ASSERT_EQ(reports.size(), 4U);
  const double batches = extra(reports[0], "batches");
  EXPECT_EQ(batches, 20);
  EXPECT_EQ(reports[0].wake_sample_total, 20U);
  for (const auto& s : reports[0].wake_latencies_ns) EXPECT_GE(s, 10'000'000U);
  for (size_t i = 1; i < 4; ++i) {
    // The waker finished long before the stop, so every waiter saw the
    // last generation; it woke once per batch unless a busy machine kept
    // it off the CPU for a whole gap, which merges two batches into one.
    EXPECT_EQ(extra(reports[i], "last_generation"), batches);
    const double wakeups = extra(reports[i], "wakeups");
    EXPECT_LE(wakeups, batches);
    EXPECT_GE(wakeups, batches / 2) << "waiter " << i << " missed most batches";
    EXPECT_EQ(static_cast<double>(reports[i].wake_sample_total), wakeups);
  }
}

TEST_P(FutexTypes, ProducerConsumerConservesItems) {
  auto reports = run_completed(make_config("producer_consumer_imbalance", 6, {}, GetParam()), 400);
  ASSERT_EQ(reports.size(), 6U);
  for (const auto& unit : units_of(reports, 3)) {
    const double produced = sum_extra(unit, "produced");
    const double consumed = sum_extra(unit, "consumed");
    const double queued = sum_extra(unit, "queued");
    EXPECT_EQ(produced, consumed + queued);
    // Each producer is paced at 1 kHz over its own run time: never faster,
    // and slower only when a busy machine delays it past its catch-up window.
    for (size_t p = 0; p < 2; ++p) {
      const double expected = static_cast<double>(unit[p].wall_time_ns) / 1e6;
      EXPECT_LE(extra(unit[p], "produced"), expected + 2);
      EXPECT_GE(extra(unit[p], "produced"), expected / 5);
    }
    // The fast consumer drains the ring and waits on empty.
    EXPECT_GT(unit[2].wake_sample_total, 0U);
    // Workers stop one by one, so producers may outlive the consumer by a
    // little; the ring can never hold more than its depth.
    EXPECT_LE(queued, 1024);
  }
}

TEST_P(FutexTypes, ProducerConsumerBlocksProducersOnFullRing) {
  auto c = make_config("producer_consumer_imbalance", 3,
                       {{"producers", "2"},
                        {"consumers", "1"},
                        {"rate_hz", "1000000"},
                        {"consume_iters", "100000"},
                        {"queue_depth", "4"}},
                       GetParam());
  auto reports = run_completed(c, 400);
  ASSERT_EQ(reports.size(), 3U);
  const double produced = sum_extra(reports, "produced");
  const double consumed = sum_extra(reports, "consumed");
  const double queued = sum_extra(reports, "queued");
  EXPECT_EQ(produced, consumed + queued);
  EXPECT_GT(consumed, 0);
  EXPECT_LE(queued, 4);
  EXPECT_GT(reports[0].wake_sample_total + reports[1].wake_sample_total, 0U)
      << "producers never waited on a full ring";
}

INSTANTIATE_TEST_SUITE_P(Modes, FutexTypes, ::testing::ValuesIn(kBothModes), mode_name);

TEST(FutexTypesValidation, RejectsZeroKnobs) {
  expect_rejected(make_config("futex_fan_out", 1, {{"fan_out", "0"}}), {"fan_out"});
  expect_rejected(make_config("fan_out_compute", 5, {{"operations", "0"}}), {"operations"});
  expect_rejected(make_config("fan_out_compute", 5, {{"footprint_kib", "0"}}), {"footprint_kib"});
  expect_rejected(make_config("fan_out_compute", 5, {{"sleep_us", "0"}}), {"sleep_us"});
  expect_rejected(make_config("mutex_contention", 4, {{"contenders", "1"}}), {"contenders"});
  expect_rejected(make_config("mutex_contention", 4, {{"hold_iters", "0"}}), {"hold_iters"});
  expect_rejected(make_config("thundering_herd", 8, {{"batches", "0"}}), {"batches"});
  expect_rejected(make_config("thundering_herd", 8, {{"inter_batch_ms", "0"}}), {"inter_batch_ms"});
  expect_rejected(make_config("producer_consumer_imbalance", 3, {{"rate_hz", "0"}}), {"rate_hz"});
  expect_rejected(make_config("producer_consumer_imbalance", 3, {{"queue_depth", "0"}}),
                  {"queue_depth"});
  expect_rejected(make_config("producer_consumer_imbalance", 3, {{"consumers", "0"}}),
                  {"consumers"});
}

TEST(FutexTypesValidation, WorkerCountMustBeAMultipleOfTheUnit) {
  expect_rejected(make_config("futex_fan_out", 4), {"futex_fan_out", "multiple of 5"});
  expect_rejected(make_config("fan_out_compute", 7, {{"fan_out", "2"}}), {"multiple of 3"});
  expect_rejected(make_config("mutex_contention", 6), {"multiple of 4"});
  expect_rejected(make_config("thundering_herd", 7), {"multiple of 8"});
  expect_rejected(make_config("producer_consumer_imbalance", 4), {"multiple of 3"});
}

}  // namespace
}  // namespace ktstr::testing
