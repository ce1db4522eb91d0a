// Worker reports are untrusted input: hand-made hostile CBOR and frames
// (huge counts, truncation, wrong types, deep nesting, foreign worker
// indices) decode to an error naming the reason, never an exception, a
// crash or a reservation sized by the input.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "util/cbor_reader.hpp"
#include "util/cbor_writer.hpp"
#include "workload/report_frame.hpp"

namespace ktstr::workload {
namespace {

std::vector<uint8_t> cbor(const std::function<void(CborWriter&)>& body) {
  std::vector<uint8_t> out;
  CborVectorSink sink(out);
  CborWriter w(sink);
  body(w);
  return out;
}

// One report map holding only `key`, whose value `value` writes.
std::vector<uint8_t> one_field(const char* key, const std::function<void(CborWriter&)>& value) {
  return cbor([&](CborWriter& w) {
    w.array(1);
    w.map(1);
    w.key(key);
    value(w);
  });
}

std::string decode_error(const std::vector<uint8_t>& bytes) {
  auto r = decode_reports(bytes.data(), bytes.size());
  return r ? std::string("decoded") : r.error().message;
}

std::vector<uint8_t> frame(const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> out{'r'};
  const uint64_t len = payload.size();
  out.resize(kReportFrameHeaderBytes);
  std::memcpy(out.data() + 1, &len, sizeof len);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::vector<WorkerSlot> slots_for(std::initializer_list<size_t> worker_indices, size_t group) {
  std::vector<WorkerSlot> out;
  for (size_t wi : worker_indices) out.push_back({group, 0, wi});
  return out;
}

WorkerReport report_for(size_t worker_index) {
  WorkerReport r;
  r.worker_index = worker_index;
  r.work_type = "spin_wait";
  r.completed = true;
  return r;
}

// A count that fits the input but exceeds what any real report holds is
// refused before reserve(): 200 000 one-byte items of wake_latencies_ns.
TEST(ReportUntrusted, ArrayLongerThanAnyReportIsRefusedBeforeSizing) {
  const auto bytes = one_field("wake_latencies_ns", [](CborWriter& w) {
    w.array(200000);
    for (int i = 0; i < 200000; ++i) w.uint(1);
  });
  EXPECT_NE(decode_error(bytes).find("container longer than a report's limit"), std::string::npos)
      << decode_error(bytes);
}

TEST(ReportUntrusted, HugeCountsOfEveryContainerAreErrors) {
  // Each: 64-bit count 2^64-1 in the head, nothing behind it.
  for (const char* key : {"wake_latencies_ns", "migrations", "cpus_used", "warnings"}) {
    auto bytes = cbor([&](CborWriter& w) {
      w.array(1);
      w.map(1);
      w.key(key);
    });
    bytes.insert(bytes.end(), {0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    EXPECT_NE(decode_error(bytes).find("array longer than the input"), std::string::npos) << key;
  }
  for (const char* key : {"extra", "numa_pages"}) {
    auto bytes = cbor([&](CborWriter& w) {
      w.array(1);
      w.map(1);
      w.key(key);
    });
    bytes.insert(bytes.end(), {0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    EXPECT_NE(decode_error(bytes).find("map longer than the input"), std::string::npos) << key;
  }
  // A text length of 2^63 and a report count of 2^32.
  auto text = one_field("work_type", [](CborWriter&) {});
  text.insert(text.end(), {0x7b, 0x80, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_NE(decode_error(text).find("input ends inside a text string"), std::string::npos);
  const std::vector<uint8_t> many = {0x9a, 0x00, 0x01, 0x00, 0x00};
  EXPECT_NE(decode_error(many).find("array longer than the input"), std::string::npos);
}

TEST(ReportUntrusted, WrongTypesAreErrorsNamingTheOffset) {
  EXPECT_NE(decode_error(one_field("wake_latencies_ns", [](CborWriter& w) { w.text("x"); }))
                .find("expected an array"),
            std::string::npos);
  EXPECT_NE(decode_error(one_field("completed", [](CborWriter& w) { w.uint(1); }))
                .find("expected a boolean"),
            std::string::npos);
  EXPECT_NE(decode_error(one_field("tid", [](CborWriter& w) { w.real(1.5); }))
                .find("expected an integer"),
            std::string::npos);
  EXPECT_NE(decode_error(one_field("extra",
                                   [](CborWriter& w) {
                                     w.map(1);
                                     w.key("rps").text("fast");
                                   }))
                .find("expected a number"),
            std::string::npos);
  // A map key that is not text.
  const std::vector<uint8_t> int_key = {0x81, 0xa1, 0x01, 0x01};
  EXPECT_NE(decode_error(int_key).find("expected a text string at byte 2"), std::string::npos)
      << decode_error(int_key);
  // The top level is not an array.
  EXPECT_NE(decode_error({0xa0}).find("expected an array at byte 0"), std::string::npos);
}

// Unknown keys are skipped; deep nesting in one stops at the depth limit
// instead of recursing through the stack.
TEST(ReportUntrusted, DeepNestingInAnUnknownKeyIsRefused) {
  auto bytes = one_field("from_the_future", [](CborWriter&) {});
  bytes.insert(bytes.end(), 100000, 0x81);  // [[[[...
  bytes.push_back(0x00);
  EXPECT_NE(decode_error(bytes).find("nesting too deep"), std::string::npos) << decode_error(bytes);
  // 40 levels are fine: skipped as a whole.
  auto shallow = one_field("from_the_future", [](CborWriter&) {});
  shallow.insert(shallow.end(), 40, 0x81);
  shallow.push_back(0x00);
  EXPECT_EQ(decode_error(shallow), "decoded");
}

TEST(ReportUntrusted, ReservedAndIndefiniteHeadsAreErrors) {
  for (const uint8_t b : std::vector<uint8_t>{0x1c, 0x5f, 0x7f, 0x9f, 0xbf, 0xff}) {
    const std::vector<uint8_t> bytes = {0x81, 0xa1, 0x63, 't', 'i', 'd', b};
    EXPECT_NE(decode_error(bytes), "decoded") << int{b};
  }
}

TEST(ReportUntrusted, ExpectedCountMismatchIsRefusedBeforeDecoding) {
  const auto bytes = encode_reports({report_for(0), report_for(1)});
  auto r = decode_reports(bytes.data(), bytes.size(), 1);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("2 reports where 1 were expected"), std::string::npos);
  EXPECT_TRUE(decode_reports(bytes.data(), bytes.size(), 2));
}

TEST(ReportFrame, StatesOfAGrowingFrame) {
  const auto payload = encode_reports({report_for(3)});
  const auto full = frame(payload);
  std::string why;
  for (size_t n = 0; n < full.size(); ++n) {
    const std::vector<uint8_t> part(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_EQ(report_frame_state(part, 1, &why), FrameState::kIncomplete) << n;
  }
  EXPECT_EQ(report_frame_state(full, 1), FrameState::kComplete);
  auto longer = full;
  longer.push_back(0);
  EXPECT_EQ(report_frame_state(longer, 1, &why), FrameState::kCorrupt);
  EXPECT_EQ(why, fmt::format("1 bytes after a {}-byte report", payload.size()));
  EXPECT_EQ(report_frame_state({'x'}, 1, &why), FrameState::kCorrupt);
  EXPECT_EQ(why, "first byte 0x78 is not the ready byte");
}

// The length field is checked against what the child's workers may send:
// 2^64-1 (which wrapped the old "header + length" sum) and one byte over
// the per-worker limit are corrupt at once, before any more is read.
TEST(ReportFrame, HugeLengthIsCorruptAtOnce) {
  std::vector<uint8_t> head(kReportFrameHeaderBytes, 0xff);
  head[0] = 'r';
  std::string why;
  EXPECT_EQ(report_frame_state(head, 1, &why), FrameState::kCorrupt);
  EXPECT_NE(why.find("exceeds the 16777216 bytes 1 worker(s) may send"), std::string::npos) << why;
  const uint64_t over = 2 * kMaxReportBytesPerWorker + 1;
  std::memcpy(head.data() + 1, &over, sizeof over);
  EXPECT_EQ(report_frame_state(head, 2), FrameState::kCorrupt);
  EXPECT_EQ(report_frame_state(head, 3), FrameState::kIncomplete);
  auto r = decode_report_frame(head, slots_for({0}, 0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("report corrupt: length ", 0), 0U) << r.error().message;
}

TEST(ReportFrame, DecodesItsOwnWorkersAndTakesGroupFromTheSlot) {
  WorkerReport a = report_for(5), b = report_for(4);
  a.group_idx = 99;  // the child's word for it is not trusted
  const auto slots = slots_for({4, 5}, 2);
  auto r = decode_report_frame(frame(encode_reports({a, b})), slots);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].worker_index, 5U);
  EXPECT_EQ((*r)[0].group_idx, 2U);
  EXPECT_EQ((*r)[1].group_idx, 2U);
}

TEST(ReportFrame, ForeignDuplicateOrMissingWorkersAreCorrupt) {
  const auto slots = slots_for({4, 5}, 0);
  auto foreign = decode_report_frame(frame(encode_reports({report_for(4), report_for(6)})), slots);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().message,
            "report corrupt: worker_index 6 is not a worker of this process");
  auto twice = decode_report_frame(frame(encode_reports({report_for(5), report_for(5)})), slots);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "report corrupt: two reports for worker_index 5");
  auto one = decode_report_frame(frame(encode_reports({report_for(4)})), slots);
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().message, "report corrupt: 1 reports where 2 were expected");
}

TEST(ReportFrame, TruncatedAndGarbageFramesNameTheReason) {
  auto full = frame(encode_reports({report_for(0)}));
  full.resize(full.size() - 3);
  auto r = decode_report_frame(full, slots_for({0}, 0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            fmt::format("report corrupt: truncated after {} bytes", full.size()));
  auto junk = decode_report_frame(frame({0xff, 0x00}), slots_for({0}, 0));
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().message.rfind("report corrupt: CBOR: ", 0), 0U) << junk.error().message;
}

}  // namespace
}  // namespace ktstr::workload
