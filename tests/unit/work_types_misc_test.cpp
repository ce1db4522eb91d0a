// Pure pieces of the timer/alu/io/schbench families: the latency
// histogram, the /proc/<tid>/io parser, the sequence phase grammar and
// vector-width names.
#include <gtest/gtest.h>

#include <random>

#include "workload/work_types/alu_kernels.hpp"
#include "workload/work_types/io_file.hpp"
#include "workload/work_types/latency_histogram.hpp"
#include "workload/work_types/sequence.hpp"

namespace ktstr::workload {
namespace {

TEST(LatencyHistogram, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.total(), 0u);
  EXPECT_EQ(h.percentile(0.5), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 50; ++v) h.add(v);
  EXPECT_EQ(h.percentile(0.5), 25u);
  EXPECT_EQ(h.percentile(1.0), 50u);
  EXPECT_EQ(h.max(), 50u);
}

TEST(LatencyHistogram, PercentilesWithinResolution) {
  LatencyHistogram h;
  std::vector<uint64_t> values;
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(11.0, 1.5);  // ~60us median, long tail
  for (int i = 0; i < 100000; ++i) {
    values.push_back(static_cast<uint64_t>(dist(rng)) + 1);
    h.add(values.back());
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto exact = static_cast<double>(values[static_cast<size_t>(q * 100000) - 1]);
    EXPECT_NEAR(static_cast<double>(h.percentile(q)), exact, exact * 0.02) << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_LE(h.percentile(0.999), h.max());
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsMax) {
  LatencyHistogram a, b;
  a.add(1000);
  b.add(5'000'000'000ULL);
  b.add(3);
  a.merge(b);
  EXPECT_EQ(a.total(), 3u);
  EXPECT_EQ(a.max(), 5'000'000'000ULL);
  EXPECT_NEAR(static_cast<double>(a.percentile(0.34)), 1000.0, 20.0);  // 2nd of 3
  EXPECT_EQ(a.percentile(1.0), 5'000'000'000ULL);
}

TEST(ProcIo, ParsesTheFourCounters) {
  const ProcIo io = parse_proc_io(
      "rchar: 100\nwchar: 200\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\n"
      "cancelled_write_bytes: 0\n");
  EXPECT_TRUE(io.ok);
  EXPECT_EQ(io.rchar, 100u);
  EXPECT_EQ(io.wchar, 200u);
  EXPECT_EQ(io.read_bytes, 4096u);
  EXPECT_EQ(io.write_bytes, 8192u);
  EXPECT_FALSE(parse_proc_io("rchar: 1\n").ok);
}

TEST(SequencePhases, ParsesEveryKind) {
  auto p = parse_sequence_phases(
      {"spin:10ms", "sleep:5ms", "yield:1ms", "io:2ms", "alu_hot:vec256:5ms", "alu_hot:3ms"});
  ASSERT_TRUE(p.has_value()) << p.error().describe();
  ASSERT_EQ(p->size(), 6u);
  EXPECT_EQ((*p)[0].kind, SequencePhase::Kind::kSpin);
  EXPECT_EQ((*p)[0].duration_ns, 10'000'000u);
  EXPECT_EQ((*p)[3].kind, SequencePhase::Kind::kIo);
  EXPECT_EQ((*p)[4].kind, SequencePhase::Kind::kAluHot);
  EXPECT_EQ((*p)[4].width, "vec256");
  EXPECT_EQ((*p)[5].width, "widest");
  EXPECT_EQ((*p)[5].duration_ns, 3'000'000u);
}

TEST(SequencePhases, RejectionsNameThePhase) {
  struct Case {
    std::vector<std::string> items;
    std::string needle;
  };
  for (const auto& c : std::vector<Case>{{{}, "empty"},
                                         {{"spin:1ms", "nap:1ms"}, "phase 2 'nap:1ms'"},
                                         {{"spin"}, "exactly one duration"},
                                         {{"sleep:abc"}, "bad duration 'abc'"},
                                         {{"io:0ms"}, "greater than zero"},
                                         {{"alu_hot:avx:1ms"}, "unknown width 'avx'"},
                                         {{"alu_hot:a:b:c"}, "optional width"}}) {
    auto p = parse_sequence_phases(c.items);
    ASSERT_FALSE(p.has_value()) << c.needle;
    EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(p.error().message.find(c.needle), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find("param phases"), std::string::npos);
  }
}

TEST(VecWidth, NamesRoundTripAndScalarIsAlwaysThere) {
  for (auto w : {VecWidth::kScalar, VecWidth::kVec128, VecWidth::kVec256, VecWidth::kVec512}) {
    EXPECT_EQ(parse_vec_width(vec_width_name(w)), w);
  }
  EXPECT_FALSE(parse_vec_width("widest").has_value());
  EXPECT_TRUE(vec_width_supported(VecWidth::kScalar));
  EXPECT_TRUE(vec_width_supported(widest_vec_width()));
  EXPECT_TRUE(resolve_vec_width("scalar").downgrade_note.empty());
  EXPECT_EQ(resolve_vec_width("widest").width, widest_vec_width());
  // The kernels agree across widths: same chains, same factor per lane.
  const double scalar = run_multiply_chains(VecWidth::kScalar, 1000);
  const double widest = run_multiply_chains(widest_vec_width(), 1000);
  EXPECT_NEAR(widest / (vec_width_bits(widest_vec_width()) / 64), scalar, 1e-9);
}

}  // namespace
}  // namespace ktstr::workload
