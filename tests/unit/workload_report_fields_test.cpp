// WorkerReport's one field table (workload/report_fields.hpp) and the four
// serializers derived from it: every field survives JSON and CBOR round
// trips, each field travels under its own key, and the JSON reader's
// required/defaulted keys are the ones the schema has always had.
#include <gtest/gtest.h>

#include <sched.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/cbor_writer.hpp"
#include "workload/report.hpp"
#include "workload/report_fields.hpp"

namespace ktstr::workload {
namespace {

// Converts to any member type: counts an aggregate's members by how many of
// these brace-initialise it.
struct AnyMember {
  template <class T>
  operator T&() const;  // NOLINT(google-explicit-constructor): declared only, never called
  template <class T>
  operator T&&() const;  // NOLINT(google-explicit-constructor)
};
template <class S, class... A>
constexpr size_t aggregate_members() {
  if constexpr (requires { S{A{}..., AnyMember{}}; }) {
    return aggregate_members<S, A..., AnyMember>();
  } else {
    return sizeof...(A);
  }
}

// A member added to a struct but not to its table would be silently left
// out of every form; this fails to compile instead.
static_assert(aggregate_members<WorkerReport>() == kFieldCount<WorkerReport>);
static_assert(aggregate_members<Migration>() == kFieldCount<Migration>);
static_assert(aggregate_members<Gap>() == kFieldCount<Gap>);
static_assert(aggregate_members<ExitInfo>() == kFieldCount<ExitInfo>);

// Every field set, each to a value no other field of its type holds and
// none equal to the default.
WorkerReport full_report() {
  WorkerReport r;
  r.tid = -4242;
  r.worker_index = 3;
  r.group_idx = 5;
  r.work_type = "futex_ping_pong";
  r.work_units = 7;
  r.iterations = 11;
  r.cpu_time_ns = (1ULL << 40) + 13;
  r.wall_time_ns = 17;
  r.off_cpu_ns = 19;
  r.migration_count = 23;
  r.cpus_used = {0, 5, 1023};
  r.migrations = {{1ULL << 33, -1, 7}, {29, 3, 4}};
  r.max_gap_ms = 1.5;
  r.max_gap_cpu = 31;
  r.max_gap_at_ms = 2.25;
  r.largest_gaps = {{37, 70000, 1}, {41, 65535, -1}};
  r.start_mono_ns = 123456789012345ULL;
  r.wake_latencies_ns = {0, 24, 256, 65536, ~0ULL};
  r.wake_sample_total = 43;
  r.wakeup_latencies = {{83, 0, 1023, Placement::kSameNode},
                        {(1ULL << 37) - 1, -1, 2, Placement::kUnknown}};
  r.wakeup_sample_total = 89;
  r.wakeup_placement_totals = {1, 0, 87, 0, 1};
  r.iteration_costs_ns = {47, 53};
  r.iteration_cost_sample_total = 59;
  r.schedstat_cpu_time_ns = 61;
  r.schedstat_run_delay_ns = 67;
  r.schedstat_run_count = 71;
  r.schedstat_available = true;
  r.completed = true;
  r.numa_pages = {{0, 73}, {17, 1ULL << 32}};
  r.vmstat_numa_pages_migrated = 79;
  r.is_messenger = true;
  r.affinity_error = "sched_setaffinity(9) failed";
  r.warnings = {"nice 5 not applied", ""};
  r.extra = {{"rps", -1.25}, {"zero", 0.0}, {"big", 1e300}};
  r.exit_info = ExitInfo{ExitInfo::Kind::kPanicked, -3, "boom"};
  return r;
}

WorkerReport via_json(const WorkerReport& r) {
  return nlohmann::json::parse(nlohmann::json(r).dump()).get<WorkerReport>();
}

WorkerReport via_cbor(const WorkerReport& r) {
  const auto bytes = encode_reports({r});
  auto back = decode_reports(bytes.data(), bytes.size());
  EXPECT_TRUE(back) << back.error().describe();
  if (!back || back->size() != 1) return {};
  return back->front();
}

TEST(ReportFields, EveryFieldIsFilledByTheTest) {
  const WorkerReport full = full_report();
  const WorkerReport defaults{};
  size_t checked = 0;
  for_each_field<WorkerReport>([&](const auto& f) {
    EXPECT_NE(full.*f.kMember, defaults.*f.kMember) << f.key << " is not filled in full_report()";
    ++checked;
  });
  EXPECT_EQ(checked, kFieldCount<WorkerReport>);
  EXPECT_EQ(checked, 36u);  // the schema's fields (docs/results.md); change both together
}

TEST(ReportFields, JsonAndCborRoundTripEveryField) {
  const WorkerReport full = full_report();
  EXPECT_EQ(via_json(full), full);
  EXPECT_EQ(via_cbor(full), full);
  EXPECT_EQ(via_json(WorkerReport{}), WorkerReport{});
  EXPECT_EQ(via_cbor(WorkerReport{}), WorkerReport{});
  WorkerReport sentinel = full;
  sentinel.exit_info.reset();
  EXPECT_EQ(via_json(sentinel), sentinel);
  EXPECT_EQ(via_cbor(sentinel), sentinel);
}

// One field set at a time: a field written under one key and read back
// into another (even between two booleans) shows up here.
TEST(ReportFields, EachFieldTravelsAlone) {
  const WorkerReport full = full_report();
  for_each_field<WorkerReport>([&](const auto& f) {
    WorkerReport one;
    one.*f.kMember = full.*f.kMember;
    EXPECT_EQ(via_json(one), one) << f.key;
    EXPECT_EQ(via_cbor(one), one) << f.key;
    const nlohmann::json j = one;
    EXPECT_EQ(j.size(), kFieldCount<WorkerReport>) << f.key;
    EXPECT_TRUE(j.contains(f.key)) << f.key;
  });
}

// The keys a JSON reader has always demanded; every other key missing reads
// as the field's default.
TEST(ReportFields, JsonReaderRequiresTheSchemaKeysOnly) {
  const std::set<std::string> required = {"tid",
                                          "group_idx",
                                          "work_units",
                                          "iterations",
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
                                          "completed",
                                          "numa_pages"};
  const WorkerReport full = full_report();
  const nlohmann::json whole = full;
  size_t seen_required = 0;
  for_each_field<WorkerReport>([&](const auto& f) {
    nlohmann::json j = whole;
    j.erase(std::string(f.key));
    if (required.count(std::string(f.key)) != 0) {
      ++seen_required;
      EXPECT_THROW(j.get<WorkerReport>(), nlohmann::json::out_of_range) << f.key;
    } else {
      WorkerReport expected = full;
      expected.*f.kMember = WorkerReport{}.*f.kMember;
      EXPECT_EQ(j.get<WorkerReport>(), expected) << f.key;
    }
  });
  EXPECT_EQ(seen_required, required.size());
  // Inside records: a migration or gap needs all three keys; exit_info
  // only its kind.
  nlohmann::json j = whole;
  j["migrations"][0].erase("to_cpu");
  EXPECT_THROW(j.get<WorkerReport>(), nlohmann::json::out_of_range);
  j = whole;
  j["largest_gaps"][1].erase("duration_ns");
  EXPECT_THROW(j.get<WorkerReport>(), nlohmann::json::out_of_range);
  j = whole;
  j["exit_info"].erase("kind");
  EXPECT_THROW(j.get<WorkerReport>(), nlohmann::json::out_of_range);
  j = whole;
  j["exit_info"].erase("code");
  j["exit_info"].erase("message");
  EXPECT_EQ(j.get<WorkerReport>().exit_info, (ExitInfo{ExitInfo::Kind::kPanicked, 0, ""}));
}

// The wire keys, in order, are the table's; the values are to_json's.
TEST(ReportFields, WireKeysFollowTheTable) {
  const auto bytes = encode_reports({full_report()});
  const auto ordered = nlohmann::ordered_json::from_cbor(bytes);
  ASSERT_EQ(ordered.size(), 1u);
  std::vector<std::string> keys;
  for (const auto& [key, value] : ordered[0].items()) keys.push_back(key);
  std::vector<std::string> table;
  for_each_field<WorkerReport>([&](const auto& f) { table.emplace_back(f.key); });
  EXPECT_EQ(keys, table);
  const auto decoded = nlohmann::json::from_cbor(bytes);
  EXPECT_EQ(decoded[0], nlohmann::json(full_report()));
  EXPECT_EQ(decoded[0]["exit_info"]["kind"], "panicked");
  EXPECT_EQ(decoded[0]["numa_pages"]["17"], 1ULL << 32);
}

// What a forked worker does on its way out: encode from telemetry-style
// arrays and a cpu_set_t, through the fd writer.
TEST(ReportFields, WorkerPathWritesFromArraysAndMask) {
  const WorkerReport full = full_report();
  cpu_set_t mask;
  CPU_ZERO(&mask);
  CPU_SET(2, &mask);
  CPU_SET(70, &mask);
  ReportRef ref = ref_to(full);
  ref.arrays.cpus_used = &mask;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  CborCounter counter;
  write_reports(counter, &ref, 1);
  CborFdWriter out(fds[1]);
  write_reports(out, &ref, 1);
  const bool flushed = out.flush();
  ::close(fds[1]);
  std::vector<uint8_t> got(counter.bytes());
  size_t have = 0;
  while (have < got.size()) {
    const ssize_t n = ::read(fds[0], got.data() + have, got.size() - have);
    if (n <= 0) break;
    have += static_cast<size_t>(n);
  }
  ::close(fds[0]);
  EXPECT_TRUE(flushed);
  ASSERT_EQ(have, got.size());
  auto back = decode_reports(got.data(), got.size());
  ASSERT_TRUE(back) << back.error().describe();
  WorkerReport expected = full;
  expected.cpus_used = {2, 70};
  EXPECT_EQ(back->at(0), expected);
}

}  // namespace
}  // namespace ktstr::workload
