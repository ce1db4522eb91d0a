// The report's wire form: CBOR written field by field straight from a
// WorkerReport, with no JSON tree and no heap. A forked worker encodes its
// report on the way out, straight from its telemetry's buffers (ReportRef);
// every page or code window it touches there costs a page fault in that
// child, so this path stays small. The keys and values
// are exactly to_json's (a unit test decodes both and compares), and the
// parent decodes with nlohmann::json::from_cbor + from_json.
#include <charconv>
#include <nlohmann/json.hpp>

#include "util/cbor_writer.hpp"
#include "util/worker_path.hpp"
#include "workload/report.hpp"

namespace ktstr::workload {
namespace {

constexpr uint64_t kReportKeys = 33;

KTSTR_WORKER_PATH void write_u64s(CborWriter& w, std::span<const uint64_t> v) {
  w.array(v.size());
  for (uint64_t x : v) w.uint(x);
}

// CPU numbers of a mask in ascending order. Bits are counted by hand: both
// CPU_COUNT and __builtin_popcount (without -mpopcnt) are library calls,
// i.e. one more code window for a forked worker to fault in.
KTSTR_WORKER_PATH void write_cpu_mask(CborWriter& w, const cpu_set_t& mask) {
  constexpr size_t kWordBits = 8 * sizeof(unsigned long);
  const auto* words = reinterpret_cast<const unsigned long*>(&mask);
  constexpr size_t kWords = sizeof mask / sizeof(unsigned long);
  size_t count = 0;
  for (size_t i = 0; i < kWords; ++i) {
    for (unsigned long bits = words[i]; bits != 0; bits &= bits - 1) ++count;
  }
  w.array(count);
  for (size_t i = 0; i < kWords; ++i) {
    for (unsigned long bits = words[i]; bits != 0; bits &= bits - 1) {
      w.sint(static_cast<int64_t>(i * kWordBits) + __builtin_ctzl(bits));
    }
  }
}

KTSTR_WORKER_PATH void write_report(CborWriter& w, const ReportRef& ref) {
  const WorkerReport& r = *ref.report;
  const ReportArrays& a = ref.arrays;
  w.map(kReportKeys);
  w.key("tid").sint(r.tid);
  w.key("worker_index").uint(r.worker_index);
  w.key("group_idx").uint(r.group_idx);
  w.key("work_type").text(ref.work_type);
  w.key("work_units").uint(r.work_units);
  w.key("iterations").uint(r.iterations);
  w.key("cpu_time_ns").uint(r.cpu_time_ns);
  w.key("wall_time_ns").uint(r.wall_time_ns);
  w.key("off_cpu_ns").uint(r.off_cpu_ns);
  w.key("migration_count").uint(r.migration_count);
  w.key("cpus_used");
  if (a.cpus_used != nullptr) {
    write_cpu_mask(w, *a.cpus_used);
  } else {
    w.array(r.cpus_used.size());
    for (int c : r.cpus_used) w.sint(c);
  }
  w.key("migrations").array(a.migrations.size());
  for (const auto& m : a.migrations) {
    w.map(3);
    w.key("at_ns").uint(m.at_ns);
    w.key("from_cpu").sint(m.from_cpu);
    w.key("to_cpu").sint(m.to_cpu);
  }
  w.key("max_gap_ms").real(r.max_gap_ms);
  w.key("max_gap_cpu").sint(r.max_gap_cpu);
  w.key("max_gap_at_ms").real(r.max_gap_at_ms);
  w.key("largest_gaps").array(a.largest_gaps.size());
  for (const auto& g : a.largest_gaps) {
    w.map(3);
    w.key("at_ns").uint(g.at_ns);
    w.key("duration_ns").uint(g.duration_ns);
    w.key("cpu").sint(g.cpu);
  }
  w.key("start_mono_ns").uint(r.start_mono_ns);
  write_u64s(w.key("wake_latencies_ns"), a.wake_latencies_ns);
  w.key("wake_sample_total").uint(r.wake_sample_total);
  write_u64s(w.key("iteration_costs_ns"), a.iteration_costs_ns);
  w.key("iteration_cost_sample_total").uint(r.iteration_cost_sample_total);
  w.key("schedstat_cpu_time_ns").uint(r.schedstat_cpu_time_ns);
  w.key("schedstat_run_delay_ns").uint(r.schedstat_run_delay_ns);
  w.key("schedstat_run_count").uint(r.schedstat_run_count);
  w.key("schedstat_available").boolean(r.schedstat_available);
  w.key("completed").boolean(r.completed);
  w.key("numa_pages").map(r.numa_pages.size());
  for (const auto& [node, pages] : r.numa_pages) {
    // Node numbers as decimal text keys, like to_json.
    char digits[16];
    auto end = std::to_chars(digits, digits + sizeof digits, node).ptr;
    w.key(std::string_view(digits, static_cast<size_t>(end - digits))).uint(pages);
  }
  w.key("vmstat_numa_pages_migrated").uint(r.vmstat_numa_pages_migrated);
  w.key("is_messenger").boolean(r.is_messenger);
  w.key("affinity_error").text(r.affinity_error);
  w.key("warnings").array(r.warnings.size());
  for (const auto& s : r.warnings) w.text(s);
  w.key("extra").map(r.extra.size());
  for (const auto& [name, value] : r.extra) w.key(name).real(value);
  w.key("exit_info");
  if (r.exit_info) {
    w.map(3);
    w.key("kind").text(exit_kind_text(r.exit_info->kind));
    w.key("code").sint(r.exit_info->code);
    w.key("message").text(r.exit_info->message);
  } else {
    w.null();
  }
}

class VectorSink final : public CborSink {
 public:
  explicit VectorSink(std::vector<uint8_t>& out) : out_(out) {}
  void put(const uint8_t* data, size_t len) override { out_.insert(out_.end(), data, data + len); }

 private:
  std::vector<uint8_t>& out_;
};

}  // namespace

ReportRef ref_to(const WorkerReport& r) {
  return {&r, r.work_type,
          ReportArrays{r.wake_latencies_ns, r.iteration_costs_ns, r.migrations, r.largest_gaps,
                       nullptr}};
}

KTSTR_WORKER_PATH void write_reports(CborSink& sink, const ReportRef* reports, size_t count) {
  CborWriter w(sink);
  w.array(count);
  for (size_t i = 0; i < count; ++i) write_report(w, reports[i]);
}

std::vector<uint8_t> encode_reports(const ReportRef* reports, size_t count) {
  std::vector<uint8_t> out;
  VectorSink sink(out);
  write_reports(sink, reports, count);
  return out;
}

std::vector<uint8_t> encode_reports(const std::vector<WorkerReport>& reports) {
  std::vector<ReportRef> refs;
  refs.reserve(reports.size());
  for (const auto& r : reports) refs.push_back(ref_to(r));
  return encode_reports(refs.data(), refs.size());
}

Result<std::vector<WorkerReport>> decode_reports(const uint8_t* data, size_t size) {
  auto j = nlohmann::json::from_cbor(data, data + size, true, false);
  if (j.is_discarded() || !j.is_array()) {
    return make_error(ErrorKind::kRuntime, "worker report is not a CBOR array");
  }
  std::vector<WorkerReport> out;
  out.reserve(j.size());
  try {
    for (const auto& e : j) out.push_back(e.get<WorkerReport>());
  } catch (const nlohmann::json::exception& ex) {
    return make_error(ErrorKind::kRuntime, fmt::format("worker report field error: {}", ex.what()));
  }
  return out;
}

}  // namespace ktstr::workload
