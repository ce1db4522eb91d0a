// The pieces that keep a forked worker off libc and the heap: inline system
// calls, our own signal restorer, the direct vDSO clock, the rseq CPU read,
// telemetry buffers encoded in place.
#include <gtest/gtest.h>

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <thread>

#include "sys/procfs.hpp"
#include "util/clock.hpp"
#include "util/raw_signal.hpp"
#include "util/raw_syscall.hpp"
#include "workload/params.hpp"
#include "workload/report.hpp"
#include "workload/telemetry.hpp"

namespace ktstr {
namespace {

TEST(RawSyscall, ReturnsResultsAndNegativeErrno) {
  EXPECT_EQ(raw_getpid(), getpid());
  EXPECT_EQ(raw_gettid(), syscall(SYS_gettid));
  errno = 0;
  EXPECT_EQ(raw_close(-1), -EBADF);
  EXPECT_EQ(errno, 0);  // left alone
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_EQ(raw_write(fds[1], "abc", 3), 3);
  char buf[4] = {};
  EXPECT_EQ(raw_read(fds[0], buf, sizeof buf), 3);
  EXPECT_STREQ(buf, "abc");
  EXPECT_EQ(raw_close(fds[0]), 0);
  EXPECT_EQ(raw_close(fds[1]), 0);
}

std::atomic<int> g_hits{0};
void count_hit(int /*sig*/) {
  g_hits.fetch_add(1);
}

// The handler runs, returns through our restorer to the interrupted code,
// and a blocking call it interrupts fails with EINTR (no SA_RESTART), as
// libc's sigaction with no flags would do.
TEST(RawSignal, HandlerRunsAndReturnsAndInterruptsBlockingCalls) {
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &old), 0);
  ASSERT_EQ(raw_set_signal_handler(SIGUSR2, count_hit), 0);
  g_hits = 0;
  ASSERT_EQ(raise(SIGUSR2), 0);
  EXPECT_EQ(g_hits.load(), 1);
  ASSERT_EQ(raise(SIGUSR2), 0);
  EXPECT_EQ(g_hits.load(), 2);

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pthread_t self = pthread_self();
  std::thread kicker([self] {
    usleep(50'000);
    pthread_kill(self, SIGUSR2);
  });
  char c;
  const long rc = raw_read(fds[0], &c, 1);
  kicker.join();
  EXPECT_EQ(rc, -EINTR);
  EXPECT_EQ(g_hits.load(), 3);
  close(fds[0]);
  close(fds[1]);
  struct sigaction now {};
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, count_hit);
  sigaction(SIGUSR2, &old, nullptr);
}

TEST(Clock, VdsoClockAgreesWithLibc) {
#if defined(__x86_64__)
  ASSERT_NE(detail::g_vdso_clock_gettime, nullptr) << "x86-64 kernels export __vdso_clock_gettime";
#endif
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const uint64_t libc_before =
      static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
  const uint64_t ours = mono_ns();
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const uint64_t libc_after =
      static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
  EXPECT_LE(libc_before, ours);
  EXPECT_LE(ours, libc_after);
  // Thread CPU time goes through the same pointer (the vDSO falls back to
  // the system call itself) and moves forward with work.
  const uint64_t c0 = thread_cpu_ns();
  volatile uint64_t sink = 0;
  for (int i = 0; i < 2'000'000; ++i) sink = sink + static_cast<uint64_t>(i);
  EXPECT_GT(thread_cpu_ns(), c0);
}

TEST(CurrentCpu, MatchesSchedGetcpuOnEveryCpu) {
  cpu_set_t old;
  ASSERT_EQ(sched_getaffinity(0, sizeof old, &old), 0);
  int checked = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && checked < 4; ++cpu) {
    if (!CPU_ISSET(cpu, &old)) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    EXPECT_EQ(workload::current_cpu(), cpu);
    EXPECT_EQ(sched_getcpu(), cpu);
    ++checked;
  }
  sched_setaffinity(0, sizeof old, &old);
  EXPECT_GT(checked, 0);
}

TEST(Procfs, SchedstatParserRejectsOverflowAndReadsOwnThread) {
  EXPECT_FALSE(sys::parse_schedstat("18446744073709551616 1 1"));  // 2^64
  auto max = sys::parse_schedstat("18446744073709551615 0 0");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->cpu_time_ns, UINT64_MAX);
  // A thread other than the leader reads its own task/<tid> file.
  std::optional<sys::Schedstat> seen;
  std::thread t([&] {
    const int fd = sys::open_thread_schedstat(static_cast<pid_t>(syscall(SYS_gettid)));
    if (fd >= 0) {
      seen = sys::read_schedstat_fd(fd);
      close(fd);
    }
  });
  t.join();
  ASSERT_TRUE(seen);
  EXPECT_GE(seen->run_count, 1u);
}

TEST(Params, FlatLookupSetsReplacesAndFinds) {
  workload::ParamValues p;
  p.set("burst", uint64_t{5});
  p.set("sleep", uint64_t{7});
  p.set("burst", uint64_t{9});
  EXPECT_EQ(p.all().size(), 2u);
  EXPECT_EQ(p.get_ns("burst"), 9u);
  EXPECT_EQ(p.get_ns("sleep"), 7u);
  EXPECT_TRUE(p.has("sleep"));
  EXPECT_FALSE(p.has("slee"));
  EXPECT_FALSE(p.has("sleeps"));
}

}  // namespace

namespace workload {
namespace {

// What a forked worker sends (arrays encoded in place from its telemetry)
// is byte for byte what a report with copied arrays encodes to.
TEST(Telemetry, InPlaceArraysEncodeLikeCopiedOnes) {
  Telemetry tel(nullptr, 7);
  tel.begin();
  for (uint64_t i = 0; i < 3000; ++i) tel.wake_sample(i * 3);
  for (uint64_t i = 0; i < 10; ++i) tel.cost_sample(i + 100);
  for (int i = 0; i < 20; ++i) {
    tel.add_units(kCheckpointUnits);
    if (i % 5 == 0) usleep(1000);  // a few gaps worth keeping
  }
  tel.set_extra("k", 2.5);
  WorkerReport r;
  r.work_type = "unit_test_type";
  const ReportArrays arrays = tel.finish(r);
  ASSERT_EQ(arrays.wake_latencies_ns.size(), 3000u);
  // Under the cap every value is kept, in order, across the move from the
  // inline array to the mapping.
  for (size_t i = 0; i < 3000; ++i) ASSERT_EQ(arrays.wake_latencies_ns[i], i * 3) << i;
  EXPECT_EQ(arrays.iteration_costs_ns.size(), 10u);
  ASSERT_NE(arrays.cpus_used, nullptr);
  EXPECT_GE(CPU_COUNT(arrays.cpus_used), 1);
  const ReportRef in_place{&r, "unit_test_type", arrays};
  WorkerReport copied = r;
  copy_arrays(arrays, copied);
  EXPECT_EQ(copied.wake_latencies_ns.size(), 3000u);
  EXPECT_EQ(static_cast<int>(copied.cpus_used.size()), CPU_COUNT(arrays.cpus_used));
  EXPECT_EQ(copied.extra.at("k"), 2.5);
  const std::vector<uint8_t> a = encode_reports(&in_place, 1);
  EXPECT_EQ(a, encode_reports({copied}));
  auto back = decode_reports(a.data(), a.size());
  ASSERT_TRUE(back);
  EXPECT_EQ(nlohmann::json((*back)[0]), nlohmann::json(copied));
}

// Gaps: at most kLargestGapsKept, longest first, the longest equal to
// max_gap; sleeping without after_block() makes gaps of known order.
TEST(Telemetry, KeepsTheLongestGapsLongestFirst) {
  Telemetry tel;
  tel.begin();
  for (int i = 1; i <= 12; ++i) {
    tel.add_units(kCheckpointUnits);
    usleep(static_cast<useconds_t>(500 * i));
  }
  tel.add_units(kCheckpointUnits);
  WorkerReport r;
  const ReportArrays a = tel.finish(r);
  ASSERT_EQ(a.largest_gaps.size(), kLargestGapsKept);
  for (size_t i = 1; i < a.largest_gaps.size(); ++i) {
    EXPECT_GE(a.largest_gaps[i - 1].duration_ns, a.largest_gaps[i].duration_ns);
  }
  EXPECT_DOUBLE_EQ(static_cast<double>(a.largest_gaps[0].duration_ns) / 1e6, r.max_gap_ms);
  // The shortest kept gap is at least the fifth sleep (2.5 ms): the four
  // shortest of twelve were pushed out.
  EXPECT_GE(a.largest_gaps.back().duration_ns, 2'500'000u);
}

}  // namespace
}  // namespace workload
}  // namespace ktstr
