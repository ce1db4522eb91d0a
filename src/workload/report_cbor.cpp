// The report's wire form: CBOR written field by field straight from a
// WorkerReport, with no JSON tree and no heap. A forked worker encodes its
// report on the way out, straight from its telemetry's buffers (ReportRef);
// every page or code window it touches there costs a page fault in that
// child, so this path stays small and allocation-free, and every function
// on it is KTSTR_WORKER_PATH. Fields, keys and order come from FieldTable
// (report_fields.hpp), so the keys and values are exactly to_json's (a unit
// test decodes both and compares); the parent decodes with CborReader
// straight into WorkerReports.
#include <algorithm>
#include <charconv>
#include <climits>

#include <fmt/format.h>

#include "util/cbor_reader.hpp"
#include "util/cbor_writer.hpp"
#include "util/worker_path.hpp"
#include "workload/report_fields.hpp"
#include "workload/telemetry.hpp"
#include "workload/wakeup.hpp"

namespace ktstr::workload {
namespace {

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

template <class T>
KTSTR_WORKER_PATH void put(CborWriter& w, const T& v);

template <class T>
KTSTR_WORKER_PATH void put_array(CborWriter& w, std::span<const T> v) {
  w.array(v.size());
  for (const T& e : v) put(w, e);
}

template <class T, size_t... I>
KTSTR_WORKER_PATH void put_record(CborWriter& w, const T& v, std::index_sequence<I...>) {
  w.map(sizeof...(I));
  ((w.key(std::get<I>(FieldTable<T>::kFields).key),
    put(w, v.*std::tuple_element_t<I, decltype(FieldTable<T>::kFields)>::kMember)),
   ...);
}

// One value, encoded as put_json in report.cpp writes it.
template <class T>
KTSTR_WORKER_PATH void put(CborWriter& w, const T& v) {
  if constexpr (kHasFieldTable<T>) {
    put_record(w, v, std::make_index_sequence<kFieldCount<T>>());
  } else if constexpr (kIsOptional<T>) {
    if (v) {
      put(w, *v);
    } else {
      w.null();
    }
  } else if constexpr (kIsVector<T>) {
    put_array(w, std::span<const typename T::value_type>(v));
  } else if constexpr (std::is_same_v<T, std::set<int>>) {
    w.array(v.size());
    for (int c : v) w.sint(c);
  } else if constexpr (std::is_same_v<T, std::map<int, uint64_t>>) {
    w.map(v.size());
    for (const auto& [node, pages] : v) {
      char digits[16];
      auto end = std::to_chars(digits, digits + sizeof digits, node).ptr;
      w.key(std::string_view(digits, static_cast<size_t>(end - digits))).uint(pages);
    }
  } else if constexpr (std::is_same_v<T, std::map<std::string, double>>) {
    w.map(v.size());
    for (const auto& [name, value] : v) w.key(name).real(value);
  } else if constexpr (std::is_same_v<T, ExitInfo::Kind>) {
    w.text(exit_kind_text(v));
  } else if constexpr (std::is_same_v<T, WakeupSample>) {
    w.array(4);
    w.uint(v.latency_ns);
    w.sint(v.waker_cpu);
    w.sint(v.wakee_cpu);
    w.uint(static_cast<uint64_t>(v.placement));
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.text(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    w.boolean(v);
  } else if constexpr (std::is_same_v<T, double>) {
    w.real(v);
  } else if constexpr (std::is_signed_v<T>) {
    w.sint(v);
  } else {
    static_assert(std::is_unsigned_v<T>, "no CBOR form for this field type");
    w.uint(v);
  }
}

// A report field, from the report or, for work_type and the arrays, from
// what the ReportRef points at instead.
template <auto M>
KTSTR_WORKER_PATH void put_report_field(CborWriter& w, const ReportRef& ref, const Field<M>& f) {
  using R = WorkerReport;
  const ReportArrays& a = ref.arrays;
  w.key(f.key);
  if constexpr (kSameMember<M, &R::work_type>) {
    w.text(ref.work_type);
  } else if constexpr (kSameMember<M, &R::cpus_used>) {
    if (a.cpus_used != nullptr) {
      write_cpu_mask(w, *a.cpus_used);
    } else {
      put(w, ref.report->cpus_used);
    }
  } else if constexpr (kSameMember<M, &R::migrations>) {
    put_array(w, a.migrations);
  } else if constexpr (kSameMember<M, &R::largest_gaps>) {
    put_array(w, a.largest_gaps);
  } else if constexpr (kSameMember<M, &R::wake_latencies_ns>) {
    put_array(w, a.wake_latencies_ns);
  } else if constexpr (kSameMember<M, &R::iteration_costs_ns>) {
    put_array(w, a.iteration_costs_ns);
  } else if constexpr (kSameMember<M, &R::wakeup_latencies>) {
    if (a.wakeups_packed.data() != nullptr) {
      w.array(a.wakeups_packed.size());
      for (uint64_t packed : a.wakeups_packed) put(w, unpack_wakeup(packed));
    } else {
      put(w, ref.report->wakeup_latencies);
    }
  } else if constexpr (kSameMember<M, &R::wakeup_placement_totals>) {
    if (a.wakeups_packed.data() != nullptr) {
      put_array(w, a.wakeup_placement_totals);
    } else {
      put(w, ref.report->wakeup_placement_totals);
    }
  } else {
    put(w, ref.report->*M);
  }
}

template <size_t... I>
KTSTR_WORKER_PATH void write_report(CborWriter& w, const ReportRef& ref,
                                    std::index_sequence<I...>) {
  w.map(sizeof...(I));
  (put_report_field(w, ref, std::get<I>(FieldTable<WorkerReport>::kFields)), ...);
}

// The parent's side: straight from the bytes into a WorkerReport (no JSON
// tree: a report with full reservoirs is 200 000 numbers). Keys may come in
// any order; unknown keys are skipped; absent ones keep their defaults.
// The bytes come from a child and are untrusted: every count is checked
// against kMaxReportArrayItems and the bytes left before it sizes anything.
static_assert(kReservoirCap <= kMaxReportArrayItems && kMaxMigrationsKept <= kMaxReportArrayItems,
              "a real report's arrays must fit the decoder's limit");

// A container count from the input; 0 (with the reader failed) beyond the limit.
uint64_t bounded(CborReader& in, uint64_t n) {
  if (n > kMaxReportArrayItems) {
    in.fail("container longer than a report's limit");
    return 0;
  }
  return n;
}
int read_int(CborReader& in) {
  const int64_t v = in.sint();
  if (v < INT32_MIN || v > INT32_MAX) {
    in.skip();  // leaves ok(); a CPU number out of int range is clamped below
    return v < 0 ? INT32_MIN : INT32_MAX;
  }
  return static_cast<int>(v);
}

// Calls `field(key)` for each entry of a map; `field` reads the value and
// returns false for a key it does not know (the value is then skipped).
template <class Field>
void read_map(CborReader& in, Field field) {
  const uint64_t n = bounded(in, in.map());
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    const std::string_view key = in.text();
    if (in.ok() && !field(key)) in.skip();
  }
}

template <class T>
void get(CborReader& in, T& v);

// Reads the value of `key` into its field of `s`; false for a key not in S's table.
template <class S>
bool get_field(CborReader& in, S& s, std::string_view key) {
  bool known = false;
  for_each_field<S>([&](const auto& f) {
    if (!known && key == f.key) {
      known = true;
      get(in, s.*f.kMember);
    }
  });
  return known;
}

template <class T>
void get(CborReader& in, T& v) {
  if constexpr (kHasFieldTable<T>) {
    read_map(in, [&](std::string_view key) { return get_field(in, v, key); });
  } else if constexpr (kIsOptional<T>) {
    v.reset();
    if (!in.null()) get(in, v.emplace());
  } else if constexpr (kIsVector<T>) {
    v.clear();
    const uint64_t n = bounded(in, in.array());
    v.reserve(static_cast<size_t>(n));
    for (uint64_t i = 0; i < n && in.ok(); ++i) get(in, v.emplace_back());
  } else if constexpr (std::is_same_v<T, std::set<int>>) {
    v.clear();
    const uint64_t n = bounded(in, in.array());
    for (uint64_t i = 0; i < n && in.ok(); ++i) v.insert(read_int(in));
  } else if constexpr (std::is_same_v<T, std::map<int, uint64_t>>) {
    v.clear();
    read_map(in, [&](std::string_view node) {
      int id = 0;
      const auto [end, ec] = std::from_chars(node.data(), node.data() + node.size(), id);
      const uint64_t pages = in.uint();
      if (ec == std::errc() && end == node.data() + node.size()) v[id] = pages;
      return true;
    });
  } else if constexpr (std::is_same_v<T, std::map<std::string, double>>) {
    v.clear();
    read_map(in, [&](std::string_view name) {
      v[std::string(name)] = in.real();
      return true;
    });
  } else if constexpr (std::is_same_v<T, ExitInfo::Kind>) {
    v = exit_kind_from(in.text());
  } else if constexpr (std::is_same_v<T, WakeupSample>) {
    if (in.array() != 4) {
      in.fail("wakeup sample is not a 4-item array");
      return;
    }
    v.latency_ns = in.uint();
    v.waker_cpu = read_int(in);
    v.wakee_cpu = read_int(in);
    const uint64_t code = in.uint();
    v.placement = code < kPlacements ? static_cast<Placement>(code) : Placement::kUnknown;
  } else if constexpr (std::is_same_v<T, std::string>) {
    v = in.text();
  } else if constexpr (std::is_same_v<T, bool>) {
    v = in.boolean();
  } else if constexpr (std::is_same_v<T, double>) {
    v = in.real();
  } else if constexpr (std::is_same_v<T, int>) {
    v = read_int(in);
  } else {
    static_assert(std::is_unsigned_v<T>, "no CBOR form for this field type");
    v = in.uint();
  }
}

}  // namespace

ReportRef ref_to(const WorkerReport& r) {
  return {&r, r.work_type,
          ReportArrays{r.wake_latencies_ns, r.iteration_costs_ns, r.migrations, r.largest_gaps,
                       nullptr}};
}

KTSTR_WORKER_PATH void write_reports(CborSink& sink, const ReportRef* reports, size_t count) {
  CborWriter w(sink);
  w.array(count);
  for (size_t i = 0; i < count; ++i) {
    write_report(w, reports[i], std::make_index_sequence<kFieldCount<WorkerReport>>());
  }
}

std::vector<uint8_t> encode_reports(const ReportRef* reports, size_t count) {
  std::vector<uint8_t> out;
  CborVectorSink sink(out);
  write_reports(sink, reports, count);
  return out;
}

std::vector<ReportRef> refs_to(const std::vector<WorkerReport>& reports) {
  std::vector<ReportRef> refs;
  refs.reserve(reports.size());
  for (const auto& r : reports) refs.push_back(ref_to(r));
  return refs;
}

std::vector<uint8_t> encode_reports(const std::vector<WorkerReport>& reports) {
  const std::vector<ReportRef> refs = refs_to(reports);
  return encode_reports(refs.data(), refs.size());
}

Result<std::vector<WorkerReport>> decode_reports(const uint8_t* data, size_t size,
                                                 std::optional<size_t> expected) {
  CborReader in(data, size);
  std::vector<WorkerReport> out;
  const uint64_t n = bounded(in, in.array());
  if (!in.ok()) return make_error(ErrorKind::kRuntime, "worker report: " + in.error());
  if (expected && n != *expected) {
    return make_error(
        ErrorKind::kRuntime,
        fmt::format("worker report: {} reports where {} were expected", n, *expected));
  }
  // A report takes one byte at least, yet hundreds once decoded: reserve
  // no more than a real run could send.
  out.reserve(std::min<size_t>(static_cast<size_t>(n), kMaxWorkersPerChild));
  for (uint64_t i = 0; i < n && in.ok(); ++i) get(in, out.emplace_back());
  if (in.ok() && !in.at_end()) {
    return make_error(ErrorKind::kRuntime, "worker report: bytes after the report array");
  }
  if (!in.ok()) return make_error(ErrorKind::kRuntime, "worker report: " + in.error());
  return out;
}

}  // namespace ktstr::workload
