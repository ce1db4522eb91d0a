#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "sys/procfs.hpp"
#include "util/cbor_writer.hpp"
#include "workload/report.hpp"
#include "workload/reservoir.hpp"
#include "workload/summary.hpp"

namespace ktstr::workload {
namespace {

TEST(Reservoir, KeepsEverythingUnderTheCap) {
  std::vector<uint64_t> storage(100);
  Reservoir r(storage.data(), storage.size());
  for (uint64_t i = 0; i < 50; ++i) r.add(i);
  EXPECT_EQ(r.total(), 50u);
  ASSERT_EQ(r.samples().size(), 50u);
  EXPECT_EQ(r.samples()[49], 49u);
}

TEST(Reservoir, CapsAndCountsTheTrueTotal) {
  std::vector<uint64_t> storage(1000);
  Reservoir r(storage.data(), storage.size());
  for (uint64_t i = 0; i < 1'000'000; ++i) r.add(i);
  EXPECT_EQ(r.total(), 1'000'000u);
  EXPECT_EQ(r.samples().size(), 1000u);
}

TEST(Reservoir, SampleIsUniform) {
  // 200k values in 10 equal buckets, cap 10k: each bucket should hold ~1000
  // samples; a chi-square with 9 dof above 27.9 has p < 0.001.
  std::vector<uint64_t> storage(10000);
  Reservoir r(storage.data(), storage.size(), 42);
  const uint64_t n = 200000;
  for (uint64_t i = 0; i < n; ++i) r.add(i);
  std::vector<double> buckets(10, 0);
  for (auto v : r.samples()) buckets[v * 10 / n] += 1;
  double chi2 = 0;
  for (double b : buckets) chi2 += (b - 1000) * (b - 1000) / 1000;
  EXPECT_LT(chi2, 27.9);
  // Late values are represented too (the reservoir is not just the prefix).
  EXPECT_GT(buckets[9], 800);
}

WorkerReport sample_report() {
  WorkerReport r;
  r.tid = 1234;
  r.worker_index = 3;
  r.group_idx = 1;
  r.work_type = "futex_ping_pong";
  r.work_units = 99;
  r.iterations = 7;
  r.cpu_time_ns = 10;
  r.wall_time_ns = 30;
  r.off_cpu_ns = 20;
  r.migration_count = 1;
  r.cpus_used = {0, 1};
  r.migrations = {{5, 0, 1}};
  r.max_gap_ms = 1.5;
  r.max_gap_cpu = 1;
  r.max_gap_at_ms = 2.5;
  r.wake_latencies_ns = {100, 200, 300};
  r.wake_sample_total = 3;
  r.iteration_costs_ns = {7};
  r.iteration_cost_sample_total = 1;
  r.completed = true;
  r.numa_pages = {{0, 12}};
  r.affinity_error = "nope";
  r.extra = {{"rps", 1.5}};
  return r;
}

TEST(Report, CborRoundTrip) {
  auto bytes = encode_reports(
      {sample_report(), make_sentinel(4, 2, 99, "spin_wait", {ExitInfo::Kind::kSignaled, 9, ""})});
  auto back = decode_reports(bytes.data(), bytes.size());
  ASSERT_TRUE(back) << back.error().describe();
  ASSERT_EQ(back->size(), 2u);
  nlohmann::json a = sample_report();
  nlohmann::json b = (*back)[0];
  EXPECT_EQ(a, b);
  const auto& s = (*back)[1];
  EXPECT_FALSE(s.completed);
  EXPECT_EQ(s.group_idx, 2u);
  ASSERT_TRUE(s.exit_info);
  EXPECT_EQ(s.exit_info->kind, ExitInfo::Kind::kSignaled);
  EXPECT_EQ(s.exit_info->code, 9);
  EXPECT_EQ(to_string(*s.exit_info), "killed by signal 9");
}

// The streaming wire writer must produce exactly what to_json describes:
// every field set (negative CPUs, a sentinel's exit_info, warnings, extras,
// NUMA keys, values past 32 bits) and compared as decoded JSON.
TEST(Report, WireFormIsToJsonForEveryField) {
  WorkerReport r = sample_report();
  r.cpu_time_ns = (1ULL << 40) + 3;
  r.max_gap_cpu = -1;
  r.migrations.push_back({1ULL << 33, -1, 7});
  r.largest_gaps = {{9, 70000, 1}, {3, 65535, -1}};
  r.start_mono_ns = 123456789012345ULL;
  r.schedstat_available = true;
  r.schedstat_run_delay_ns = 24;
  r.numa_pages = {{0, 12}, {17, 1ULL << 32}};
  r.vmstat_numa_pages_migrated = 255;
  r.is_messenger = true;
  r.warnings = {"nice 5 not applied", ""};
  r.extra = {{"rps", -1.25}, {"zero", 0.0}};
  r.exit_info = ExitInfo{ExitInfo::Kind::kPanicked, -3, "boom"};
  auto bytes = encode_reports({r, WorkerReport{}});
  auto decoded = nlohmann::json::from_cbor(bytes);
  ASSERT_TRUE(decoded.is_array());
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_EQ(decoded[0], nlohmann::json(r));
  EXPECT_EQ(decoded[1], nlohmann::json(WorkerReport{}));
}

// Integer heads at every width boundary, through a pipe in more than one
// buffer's worth of bytes.
TEST(Report, FdWriterStreamsLargeReservoirs) {
  WorkerReport r = sample_report();
  for (uint64_t v :
       {23ULL, 24ULL, 255ULL, 256ULL, 65535ULL, 65536ULL, 0xffffffffULL, 0x100000000ULL, ~0ULL}) {
    r.wake_latencies_ns.push_back(v);
  }
  for (uint64_t i = 0; i < 5000; ++i) r.iteration_costs_ns.push_back(i * 977);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread reader;
  std::vector<uint8_t> got;
  reader = std::thread([&] {
    uint8_t buf[1024];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) got.insert(got.end(), buf, buf + n);
  });
  const ReportRef ref = ref_to(r);
  CborCounter counter;
  write_reports(counter, &ref, 1);
  CborFdWriter out(fds[1]);
  write_reports(out, &ref, 1);
  EXPECT_TRUE(out.flush());
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(got.size(), counter.bytes());
  EXPECT_GT(got.size(), 4096u * 4);
  EXPECT_EQ(got, encode_reports({r}));
  auto back = decode_reports(got.data(), got.size());
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ((*back)[0].wake_latencies_ns, r.wake_latencies_ns);
  EXPECT_EQ((*back)[0].iteration_costs_ns, r.iteration_costs_ns);
}

TEST(Report, FdWriterReportsAFailedWrite) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ::close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  CborFdWriter out(fds[1]);
  const uint8_t byte = 1;
  out.put(&byte, 1);
  EXPECT_FALSE(out.flush());
  EXPECT_FALSE(out.ok());
  ::close(fds[1]);
}

// The parent's decoder gives back exactly what was encoded, every field.
TEST(Report, DecoderReadsBackEveryField) {
  WorkerReport r = sample_report();
  r.cpu_time_ns = (1ULL << 40) + 3;
  r.tid = -5;
  r.migrations = {{1ULL << 33, -1, 7}, {2, 3, 4}};
  r.largest_gaps = {{9, 70000, 1}, {3, 65535, -1}};
  r.cpus_used = {0, 5, 1023};
  r.wake_latencies_ns = {0, 23, 24, 255, 256, 65535, 65536, 0xffffffffULL, ~0ULL};
  r.iteration_costs_ns = {7};
  r.schedstat_available = true;
  r.schedstat_cpu_time_ns = 11;
  r.numa_pages = {{0, 12}, {17, 1ULL << 32}};
  r.is_messenger = true;
  r.affinity_error = "sched_setaffinity(9) failed";
  r.warnings = {"nice 5 not applied", ""};
  r.extra = {{"rps", -1.25}, {"zero", 0.0}, {"big", 1e300}};
  r.exit_info = ExitInfo{ExitInfo::Kind::kSignaled, 9, "Killed"};
  auto bytes = encode_reports({r, WorkerReport{}});
  auto back = decode_reports(bytes.data(), bytes.size());
  ASSERT_TRUE(back) << back.error().describe();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(nlohmann::json((*back)[0]), nlohmann::json(r));
  EXPECT_EQ(nlohmann::json((*back)[1]), nlohmann::json(WorkerReport{}));
}

// Keys in any order; unknown keys (with nested values) are skipped; absent
// keys keep their defaults.
TEST(Report, DecoderSkipsUnknownKeysInAnyOrder) {
  std::vector<uint8_t> bytes;
  CborVectorSink sink(bytes);
  CborWriter w(sink);
  w.array(1);
  w.map(4);
  w.key("work_units").uint(42);
  w.key("from_the_future").map(1);
  w.key("nested").array(2);
  w.text("x");
  w.real(1.5);
  w.key("completed").boolean(true);
  w.key("tid").sint(77);
  auto back = decode_reports(bytes.data(), bytes.size());
  ASSERT_TRUE(back) << back.error().describe();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].work_units, 42u);
  EXPECT_EQ((*back)[0].tid, 77);
  EXPECT_TRUE((*back)[0].completed);
  EXPECT_EQ((*back)[0].max_gap_cpu, -1);
}

// Every truncation and a mistyped field are errors naming the offset, never
// a crash or a half-filled success; a count larger than the input is
// refused before anything is sized by it.
TEST(Report, DecoderRejectsTruncatedMistypedAndOversized) {
  WorkerReport r = sample_report();
  r.wake_latencies_ns = {1, 2, 3};
  const auto bytes = encode_reports({r});
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto back = decode_reports(bytes.data(), n);
    EXPECT_FALSE(back) << "prefix of " << n << " bytes decoded";
  }
  auto extra = bytes;
  extra.push_back(0xf6);
  EXPECT_FALSE(decode_reports(extra.data(), extra.size()));

  std::vector<uint8_t> mistyped = {0x81, 0xa1, 0x6a};  // [{"work_units": "x"}]
  for (char c : std::string("work_units")) mistyped.push_back(static_cast<uint8_t>(c));
  mistyped.insert(mistyped.end(), {0x61, 'x'});
  auto bad = decode_reports(mistyped.data(), mistyped.size());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("expected an unsigned integer at byte 13"), std::string::npos)
      << bad.error().message;

  const std::vector<uint8_t> huge = {0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  auto h = decode_reports(huge.data(), huge.size());
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("array longer than the input"), std::string::npos);
}

TEST(Report, GarbageIsAnError) {
  std::vector<uint8_t> junk = {0xff, 0x00, 0x13};
  EXPECT_FALSE(decode_reports(junk.data(), junk.size()));
}

TEST(Report, JsonUsesSpecFieldNames) {
  nlohmann::json j = sample_report();
  for (const char* key : {"tid",
                          "work_units",
                          "cpu_time_ns",
                          "wall_time_ns",
                          "off_cpu_ns",
                          "migration_count",
                          "cpus_used",
                          "migrations",
                          "max_gap_ms",
                          "max_gap_cpu",
                          "max_gap_at_ms",
                          "wake_latencies_ns",
                          "wake_sample_total",
                          "iteration_costs_ns",
                          "iteration_cost_sample_total",
                          "iterations",
                          "completed",
                          "numa_pages",
                          "vmstat_numa_pages_migrated",
                          "exit_info",
                          "is_messenger",
                          "group_idx",
                          "affinity_error"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}

TEST(Summary, PoolsWakeSamplesNearestRank) {
  auto a = sample_report();
  auto b = sample_report();
  b.wake_latencies_ns = {400};
  b.wake_sample_total = 1;
  b.completed = false;
  auto s = summarize({a, b});
  EXPECT_EQ(s.workers, 2u);
  EXPECT_EQ(s.completed, 1u);
  EXPECT_EQ(s.wake_samples, 4u);
  EXPECT_EQ(s.wake_p50_ns, 200u);
  EXPECT_EQ(s.wake_p99_ns, 400u);
  EXPECT_EQ(s.wake_max_ns, 400u);
  EXPECT_DOUBLE_EQ(s.max_gap_ms, 1.5);
}

TEST(Procfs, Parsers) {
  auto s = sys::parse_schedstat("123 456 7\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->cpu_time_ns, 123u);
  EXPECT_EQ(s->run_delay_ns, 456u);
  EXPECT_EQ(s->run_count, 7u);
  EXPECT_FALSE(sys::parse_schedstat("x"));
  auto pages = sys::parse_numa_maps_pages(
      "7f00 default anon=3 dirty=3 N0=2 N1=1 kernelpagesize_kB=4\n"
      "7f10 bind:0 file=/x mapped=5 N0=5 kernelpagesize_kB=4\n");
  EXPECT_EQ(pages, (std::map<int, uint64_t>{{0, 7}, {1, 1}}));
  EXPECT_EQ(
      sys::parse_vmstat_counter("numa_hit 5\nnuma_pages_migrated 12\n", "numa_pages_migrated"),
      12u);
  EXPECT_FALSE(sys::parse_vmstat_counter("numa_pages_migrated_x 1\n", "numa_pages_migrated"));
}

}  // namespace
}  // namespace ktstr::workload
