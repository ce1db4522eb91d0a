// epoll_storm signature: every event a producer wrote is either consumed
// or left in the eventfd at the end; consumers sample their waits; the
// unit's fds are closed when it ends.
#include <dirent.h>
#include <gtest/gtest.h>

#include "work_types_sync_helpers.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;
using workload::WorkerReport;

size_t open_fd_count() {
  size_t n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

void expect_events_conserved(const std::vector<WorkerReport>& unit, size_t producers) {
  const double produced = sum_extra(unit, "produced");
  const double consumed = sum_extra(unit, "consumed");
  const double leftover = sum_extra(unit, "leftover");
  EXPECT_GT(produced, 1000);
  EXPECT_GT(consumed, 0);
  EXPECT_EQ(consumed, produced - leftover);
  for (size_t i = producers; i < unit.size(); ++i) {
    EXPECT_GT(unit[i].wake_sample_total, 0U) << "consumer " << unit[i].worker_index;
    EXPECT_EQ(extra(unit[i], "produced"), 0);
  }
}

TEST(EpollStorm, ConsumedEqualsProducedMinusLeftover) {
  const size_t fds_before = open_fd_count();
  auto reports = run_completed(make_config("epoll_storm", 6, {}, CloneMode::kThread), 300);
  ASSERT_EQ(reports.size(), 6U);
  for (const auto& unit : units_of(reports, 3)) expect_events_conserved(unit, 1);
  // The last worker of each unit closed its eventfd and epoll fd.
  EXPECT_EQ(open_fd_count(), fds_before);
}

TEST(EpollStorm, SeveralProducersAndOneConsumer) {
  auto c = make_config("epoll_storm", 3,
                       {{"producers", "2"}, {"consumers", "1"}, {"events_per_burst", "4"}},
                       CloneMode::kThread);
  auto reports = run_completed(c, 300);
  ASSERT_EQ(reports.size(), 3U);
  expect_events_conserved(reports, 2);
}

TEST(EpollStorm, RunsInsideAPcommContainer) {
  workload::WorkSpec spec;
  spec.work.name = "epoll_storm";
  spec.num_workers = 3;
  auto h = workload::WorkloadHandle::spawn_pcomm("epollbox", std::nullopt, std::nullopt, {spec});
  ASSERT_TRUE(h.has_value()) << h.error().describe();
  h->start();
  timespec ts{0, 300'000'000};
  nanosleep(&ts, nullptr);
  auto reports = h->stop_and_collect();
  ASSERT_EQ(reports.size(), 3U);
  for (const auto& r : reports) EXPECT_TRUE(r.completed);
  expect_events_conserved(reports, 1);
}

TEST(EpollStorm, ForkModeIsRejected) {
  expect_rejected(make_config("epoll_storm", 3, {}, CloneMode::kFork),
                  {"epoll_storm", "clone_mode=fork is not allowed", "fd table"});
}

TEST(EpollStorm, RejectsZeroKnobsAndPartialUnits) {
  auto thread = [](std::map<std::string, std::string> p, size_t workers = 3) {
    return make_config("epoll_storm", workers, std::move(p), CloneMode::kThread);
  };
  expect_rejected(thread({{"events_per_burst", "0"}}), {"events_per_burst"});
  expect_rejected(thread({{"producers", "0"}}), {"producers"});
  expect_rejected(thread({{"consumers", "0"}}), {"consumers"});
  expect_rejected(thread({}, 4), {"epoll_storm", "multiple of 3"});
}

}  // namespace
}  // namespace ktstr::testing
