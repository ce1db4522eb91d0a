// Worker settings applied for real and read back from /proc; pcomm
// containers; spawn failures that must leak nothing.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "leak_checker.hpp"
#include "util/file_io.hpp"
#include "workload/telemetry.hpp"
#include "workload_harness.hpp"

namespace ktstr {
namespace {

using testing::LeakChecker;
using testing::make_config;
using workload::WorkloadHandle;

void wait_running(WorkloadHandle& h) {
  h.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

TEST(WorkloadSettings, BatchAndIdlePoliciesAreApplied) {
  LeakChecker leaks;
  {
    auto c = make_config("spin_wait", 1);
    c.sched_policy = *workload::parse_sched_policy("batch");
    workload::WorkSpec idle;
    idle.work.name = "spin_wait";
    idle.num_workers = 1;
    idle.sched_policy = *workload::parse_sched_policy("idle");
    c.composed = {idle};
    auto h = WorkloadHandle::spawn(c);
    ASSERT_TRUE(h);
    wait_running(*h);
    auto pids = h->worker_pids();
    EXPECT_EQ(sched_getscheduler(pids[0]), SCHED_BATCH);
    EXPECT_EQ(sched_getscheduler(pids[1]), SCHED_IDLE);
    auto reports = h->stop_and_collect();
    for (const auto& r : reports) EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadSettings, FifoPolicyAndNiceAsRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (CAP_SYS_NICE) for SCHED_FIFO and nice -5";
  auto c = make_config("bursty", 1, {{"burst", "1ms"}, {"sleep", "10ms"}});
  c.sched_policy = *workload::parse_sched_policy("fifo:10");
  workload::WorkSpec nice;
  nice.work.name = "bursty";
  nice.work.params = {{"burst", "1ms"}, {"sleep", "10ms"}};
  nice.num_workers = 1;
  nice.nice = -5;
  nice.comm = "ktstr-nicetest-long-name";
  c.composed = {nice};
  auto h = WorkloadHandle::spawn(c);
  ASSERT_TRUE(h);
  wait_running(*h);
  auto pids = h->worker_pids();
  EXPECT_EQ(sched_getscheduler(pids[0]), SCHED_FIFO);
  sched_param sp{};
  sched_getparam(pids[0], &sp);
  EXPECT_EQ(sp.sched_priority, 10);
  errno = 0;
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(pids[1])), -5);
  auto comm = read_file(fmt::format("/proc/{}/comm", pids[1]));
  ASSERT_TRUE(comm);
  EXPECT_EQ(*comm, "ktstr-nicetest-\n");  // the kernel keeps 15 bytes
  auto reports = h->stop_and_collect();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_GT(reports[0].wake_sample_total, 5u);
}

TEST(WorkloadSettings, LocalMemPolicyIsApplied) {
  auto c = make_config("spin_wait", 1);
  c.mem_policy = *workload::parse_mem_policy("local");
  auto h = WorkloadHandle::spawn(c);
  ASSERT_TRUE(h);
  wait_running(*h);
  auto maps = read_file(fmt::format("/proc/{}/numa_maps", h->worker_pids()[0]));
  ASSERT_TRUE(maps) << "numa_maps unreadable";
  EXPECT_NE(maps->find(" local"), std::string::npos) << maps->substr(0, 400);
  auto reports = h->stop_and_collect();
  EXPECT_TRUE(reports[0].warnings.empty());
  // Per-node pages are only collected where there is more than one node.
  EXPECT_EQ(reports[0].numa_pages.empty(), !workload::numa_telemetry_enabled());
}

TEST(WorkloadSettings, ExactAffinityIsHonoured) {
  auto c = make_config("spin_wait", 2);
  c.affinity.kind = workload::AffinityIntent::Kind::kExact;
  c.affinity.cpus = {0};
  auto reports = testing::run_workload_for(c, 200'000'000);
  ASSERT_TRUE(reports);
  for (const auto& r : *reports) {
    EXPECT_EQ(r.cpus_used, (std::set<int>{0}));
    EXPECT_EQ(r.migration_count, 0u);
    EXPECT_TRUE(r.affinity_error.empty());
  }
}

TEST(WorkloadSettings, ImpossibleAffinityIsReportedNotFatal) {
  auto c = make_config("spin_wait", 1);
  c.affinity.kind = workload::AffinityIntent::Kind::kExact;
  c.affinity.cpus = {1000};
  auto reports = testing::run_workload_for(c, 100'000'000);
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_TRUE((*reports)[0].completed);
  EXPECT_NE((*reports)[0].affinity_error.find("sched_setaffinity(1000)"), std::string::npos);
  EXPECT_GT((*reports)[0].work_units, 0u);
}

TEST(WorkloadPcomm, ThreadsLiveUnderOneNamedLeader) {
  LeakChecker leaks;
  {
    workload::WorkSpec ping;
    ping.work.name = "futex_ping_pong";
    ping.num_workers = 2;
    workload::WorkSpec spin;
    spin.work.name = "spin_wait";
    spin.num_workers = 1;
    auto h = WorkloadHandle::spawn_pcomm("chrome", std::nullopt, std::nullopt, {ping, spin});
    ASSERT_TRUE(h) << h.error().describe();
    auto pids = h->worker_pids();
    ASSERT_EQ(pids.size(), 1u);
    EXPECT_EQ(h->num_workers(), 3u);
    EXPECT_FALSE(h->set_affinity(0, {0}));
    auto procs = h->worker_pids_for_cgroup_procs();
    ASSERT_TRUE(procs);
    EXPECT_EQ(*procs, pids);
    wait_running(*h);
    auto comm = read_file(fmt::format("/proc/{}/comm", pids[0]));
    EXPECT_EQ(*comm, "chrome\n");
    auto reports = h->stop_and_collect();
    ASSERT_EQ(reports.size(), 3u);
    for (const auto& r : reports) {
      EXPECT_TRUE(r.completed);
      EXPECT_NE(r.tid, pids[0]);  // worker threads, not the leader
      // Every worker is a thread of the container: same thread group.
    }
    EXPECT_EQ(reports[0].group_idx, 0u);
    EXPECT_EQ(reports[2].group_idx, 1u);
    EXPECT_GT(reports[0].wake_sample_total, 0u);
  }
  EXPECT_EQ(leaks.check(), "");
}

TEST(WorkloadPcomm, EmptyMeansNoContainer) {
  workload::WorkSpec none;
  none.work.name = "spin_wait";
  none.num_workers = 0;
  auto h = WorkloadHandle::spawn_pcomm("java", std::nullopt, std::nullopt, {none});
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->worker_pids().empty());
  EXPECT_TRUE(h->stop_and_collect().empty());
}

TEST(SpawnGuard, FdExhaustionLeaksNothing) {
  LeakChecker leaks;
  rlimit old{};
  getrlimit(RLIMIT_NOFILE, &old);
  size_t open_now = testing::list_fds().size();
  rlimit low = old;
  low.rlim_cur = open_now + 20;  // room for a few workers' pipes, not 32
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  auto h = WorkloadHandle::spawn(make_config("futex_ping_pong", 32));
  setrlimit(RLIMIT_NOFILE, &old);
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("RLIMIT_NOFILE"), std::string::npos) << h.error().describe();
  EXPECT_EQ(leaks.check(), "");
}

TEST(SpawnGuard, ForkFailureLeaksNothing) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged uid";
  // RLIMIT_NPROC is not enforced for root, so the check runs in a child that
  // drops to uid 65534 with a tiny process budget.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) _exit(10);
    rlimit lim{4, 4};
    setrlimit(RLIMIT_NPROC, &lim);
    testing::LeakChecker inner;
    auto h = WorkloadHandle::spawn(make_config("spin_wait", 16));
    if (h) _exit(11);
    if (h.error().message.find("RLIMIT_NPROC") == std::string::npos) _exit(12);
    if (!inner.check().empty()) _exit(13);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: setuid failed, 11: spawn succeeded, 12: wrong "
                                       "message, 13: leaked";
}

}  // namespace
}  // namespace ktstr
