// Lifecycle of the spawn pipeline with real processes and threads.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <chrono>

#include <fstream>
#include <thread>

#include "leak_checker.hpp"
#include "test_work_types.hpp"
#include "workload_harness.hpp"

namespace ktstr {
namespace {

using testing::LeakChecker;
using testing::make_config;
using workload::CloneMode;
using workload::ExitInfo;
using workload::WorkloadHandle;

bool pid_alive(pid_t pid) {
  return kill(pid, 0) == 0;
}

TEST(WorkloadLifecycle, ExplicitStartCollectsEveryWorker) {
  LeakChecker leaks;
  {
    auto h = WorkloadHandle::spawn(make_config("spin_wait", 3));
    ASSERT_TRUE(h) << h.error().describe();
    auto pids = h->worker_pids();
    ASSERT_EQ(pids.size(), 3u);
    for (pid_t p : pids) EXPECT_TRUE(pid_alive(p));
    h->start();
    h->start();  // idempotent
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto iters = h->snapshot_iterations();
    ASSERT_EQ(iters.size(), 3u);
    for (auto v : iters) EXPECT_GT(v, 0u);
    auto reports = h->stop_and_collect();
    ASSERT_EQ(reports.size(), 3u);
    for (size_t i = 0; i < reports.size(); ++i) {
      EXPECT_TRUE(reports[i].completed);
      EXPECT_EQ(reports[i].worker_index, i);
      EXPECT_EQ(reports[i].tid, pids[i]);
      EXPECT_GT(reports[i].work_units, 0u);
      EXPECT_GE(reports[i].iterations, iters[i]);
      EXPECT_GT(reports[i].wall_time_ns, 100'000'000u);
      EXPECT_FALSE(reports[i].cpus_used.empty());
    }
    for (pid_t p : pids) EXPECT_FALSE(pid_alive(p));
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadLifecycle, AutoStartWaitsForReadiness) {
  LeakChecker leaks;
  {
    auto h = WorkloadHandle::spawn(make_config("futex_ping_pong", 4));
    ASSERT_TRUE(h) << h.error().describe();
    auto reports = h->stop_and_collect();  // never started explicitly
    ASSERT_EQ(reports.size(), 4u);
    for (const auto& r : reports) {
      EXPECT_TRUE(r.completed) << (r.exit_info ? to_string(*r.exit_info) : "");
      EXPECT_FALSE(r.exit_info.has_value());
    }
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadLifecycle, DestructorWithoutCollectLeavesNothing) {
  LeakChecker leaks;
  std::vector<pid_t> pids;
  {
    auto h = WorkloadHandle::spawn(make_config("spin_wait", 4));
    ASSERT_TRUE(h);
    pids = h->worker_pids();
    h->start();
  }
  for (pid_t p : pids) EXPECT_FALSE(pid_alive(p));
  {
    auto h = WorkloadHandle::spawn(make_config("futex_ping_pong", 2, {}, CloneMode::kThread));
    ASSERT_TRUE(h);
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadLifecycle, ComposedGroupsAreTaggedAndOrdered) {
  LeakChecker leaks;
  {
    auto c = make_config("spin_wait", 2);
    workload::WorkSpec pair;
    pair.work.name = "futex_ping_pong";
    pair.num_workers = 4;
    workload::WorkSpec bursty;
    bursty.work.name = "bursty";
    bursty.work.params = {{"burst", "5ms"}, {"sleep", "5ms"}};
    bursty.num_workers = 1;
    c.composed = {pair, bursty};
    auto reports = testing::run_workload_for(c, 400'000'000);
    ASSERT_TRUE(reports) << reports.error().describe();
    ASSERT_EQ(reports->size(), 7u);
    std::vector<size_t> groups;
    for (const auto& r : *reports) groups.push_back(r.group_idx);
    EXPECT_EQ(groups, (std::vector<size_t>{0, 0, 1, 1, 1, 1, 2}));
    EXPECT_EQ((*reports)[0].work_type, "spin_wait");
    EXPECT_EQ((*reports)[2].work_type, "futex_ping_pong");
    for (size_t i = 2; i < 6; ++i) EXPECT_GT((*reports)[i].wake_sample_total, 0u);
    EXPECT_GT((*reports)[6].wake_sample_total, 0u);
    for (const auto& r : *reports) EXPECT_TRUE(r.completed);
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadLifecycle, ComposedGroupNeedsExplicitWorkerCount) {
  auto c = make_config("spin_wait", 1);
  workload::WorkSpec s;
  s.work.name = "spin_wait";
  c.composed = {s};
  auto h = WorkloadHandle::spawn(c);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(h.error().describe().find("group 1"), std::string::npos);
  EXPECT_NE(h.error().describe().find("num_workers"), std::string::npos);
}

TEST(WorkloadThreads, PublishTidsAndReport) {
  LeakChecker leaks;
  {
    auto h = WorkloadHandle::spawn(make_config("futex_ping_pong", 2, {}, CloneMode::kThread));
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->worker_pids_for_cgroup_procs());
    h->start();
    std::vector<pid_t> tids;
    for (int i = 0; i < 200; ++i) {
      tids = h->worker_pids();
      if (tids[0] != 0 && tids[1] != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_NE(tids[0], 0);
    ASSERT_NE(tids[1], 0);
    EXPECT_NE(tids[0], getpid());
    // The tids are threads of this process.
    EXPECT_EQ(access(fmt::format("/proc/self/task/{}", tids[0]).c_str(), F_OK), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto reports = h->stop_and_collect();
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_EQ(reports[0].tid, tids[0]);
    EXPECT_GT(reports[0].wake_sample_total, 0u);
    EXPECT_TRUE(reports[1].completed);
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadThreads, ExceptionBecomesPanickedSentinel) {
  testing::register_test_work_types();
  auto reports =
      testing::run_workload_for(make_config("test_throw", 2, {}, CloneMode::kThread), 50'000'000);
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 2u);
  for (const auto& r : *reports) {
    EXPECT_FALSE(r.completed);
    ASSERT_TRUE(r.exit_info);
    EXPECT_EQ(r.exit_info->kind, ExitInfo::Kind::kPanicked);
    EXPECT_EQ(r.exit_info->message, "deliberate failure");
  }
}

TEST(WorkloadThreads, JoinTimeoutBecomesTimedOutSentinel) {
  testing::register_test_work_types();
  auto reports =
      testing::run_workload_for(make_config("test_hang", 1, {}, CloneMode::kThread), 50'000'000);
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_FALSE((*reports)[0].completed);
  ASSERT_TRUE((*reports)[0].exit_info);
  EXPECT_EQ((*reports)[0].exit_info->kind, ExitInfo::Kind::kTimedOut);
  // The detached thread spins until its 30 s budget ends; it must not crash
  // the process after the handle is gone (resources are shared_ptr-owned).
}

TEST(WorkloadSentinels, SignalExitAndHangAreClassified) {
  testing::register_test_work_types();
  LeakChecker leaks;
  {
    auto c = make_config("spin_wait", 1);
    for (const char* t : {"test_killed", "test_exit3", "test_hang"}) {
      workload::WorkSpec s;
      s.work.name = t;
      s.num_workers = 1;
      c.composed.push_back(s);
    }
    auto reports = testing::run_workload_for(c, 100'000'000);
    ASSERT_TRUE(reports);
    ASSERT_EQ(reports->size(), 4u);
    EXPECT_TRUE((*reports)[0].completed);
    const auto& segv = (*reports)[1];
    const auto& exit3 = (*reports)[2];
    const auto& hang = (*reports)[3];
    ASSERT_TRUE(segv.exit_info && exit3.exit_info && hang.exit_info);
    EXPECT_EQ(segv.group_idx, 1u);
    EXPECT_EQ(segv.exit_info->kind, ExitInfo::Kind::kSignaled);
    EXPECT_EQ(segv.exit_info->code, SIGKILL);
    EXPECT_EQ(exit3.group_idx, 2u);
    EXPECT_EQ(exit3.exit_info->kind, ExitInfo::Kind::kExited);
    EXPECT_EQ(exit3.exit_info->code, 3);
    EXPECT_EQ(hang.group_idx, 3u);
    EXPECT_EQ(hang.exit_info->kind, ExitInfo::Kind::kTimedOut);
    EXPECT_EQ(hang.work_units, 0u);
  }
  EXPECT_EQ(leaks.check(), "");
}

// The worker dies without a report while its grandchild keeps the report
// pipe open, so no EOF ever arrives: collection must still notice the exit
// (periodic reap scan), classify it as Exited(3) rather than a timeout, and
// not sit out the 5 s deadline.
TEST(WorkloadSentinels, ExitIsSeenWhileAGrandchildHoldsThePipe) {
  testing::register_test_work_types();
  LeakChecker leaks;
  {
    auto c = make_config("spin_wait", 1);
    workload::WorkSpec s;
    s.work.name = "test_exit3_orphan";
    s.num_workers = 1;
    c.composed.push_back(s);
    const auto t0 = std::chrono::steady_clock::now();
    auto reports = testing::run_workload_for(c, 100'000'000);
    const auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(reports);
    ASSERT_EQ(reports->size(), 2u);
    const auto& dead = (*reports)[1];
    ASSERT_TRUE(dead.exit_info);
    EXPECT_EQ(dead.exit_info->kind, ExitInfo::Kind::kExited);
    EXPECT_EQ(dead.exit_info->code, 3);
    EXPECT_LT(took, std::chrono::seconds(3));
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadSentinels, GrandchildrenDieWithTheWorker) {
  testing::register_test_work_types();
  LeakChecker leaks;
  auto reports = testing::run_workload_for(make_config("test_grandchild", 2), 200'000'000);
  ASSERT_TRUE(reports);
  for (const auto& r : *reports) {
    ASSERT_TRUE(r.completed);
    auto g = static_cast<pid_t>(r.extra.at("grandchild"));
    ASSERT_GT(g, 0);
    // Reparented to init (or a subreaper) and killed with the process group;
    // give the reaper a moment.
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
      std::ifstream stat(fmt::format("/proc/{}/stat", g));
      std::string line;
      gone = !std::getline(stat, line) || line.find(") Z") != std::string::npos;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(gone) << "grandchild " << g << " survived";
  }
  EXPECT_EQ(leaks.check(), "");
}

}  // namespace
}  // namespace ktstr
