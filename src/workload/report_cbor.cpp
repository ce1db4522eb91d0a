// The report's wire form: CBOR written field by field straight from a
// WorkerReport, with no JSON tree and no heap. A forked worker encodes its
// report on the way out, straight from its telemetry's buffers (ReportRef);
// every page or code window it touches there costs a page fault in that
// child, so this path stays small. The keys and values
// are exactly to_json's (a unit test decodes both and compares); the parent
// decodes with CborReader straight into WorkerReports.
#include <charconv>
#include <climits>

#include "util/cbor_reader.hpp"
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

// The parent's side: straight from the bytes into a WorkerReport (no JSON
// tree: a report with full reservoirs is 200 000 numbers). Keys may come in
// any order; unknown keys are skipped; absent ones keep their defaults.
void read_u64s(CborReader& in, std::vector<uint64_t>& out) {
  const uint64_t n = in.array();
  out.clear();
  out.reserve(static_cast<size_t>(n));
  for (uint64_t i = 0; i < n && in.ok(); ++i) out.push_back(in.uint());
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
  const uint64_t n = in.map();
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    const std::string_view key = in.text();
    if (in.ok() && !field(key)) in.skip();
  }
}

// An array of maps, one element of `out` per map; `field(element, key)`
// reads the value of a key it knows and returns false for any other.
template <class T, class Field>
void read_records(CborReader& in, std::vector<T>& out, Field field) {
  out.clear();
  const uint64_t n = in.array();
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    T& e = out.emplace_back();
    read_map(in, [&](std::string_view key) { return field(e, key); });
  }
}

void read_report(CborReader& in, WorkerReport& r) {
  read_map(in, [&](std::string_view k) {
    if (k == "tid") {
      r.tid = read_int(in);
    } else if (k == "worker_index") {
      r.worker_index = in.uint();
    } else if (k == "group_idx") {
      r.group_idx = in.uint();
    } else if (k == "work_type") {
      r.work_type = in.text();
    } else if (k == "work_units") {
      r.work_units = in.uint();
    } else if (k == "iterations") {
      r.iterations = in.uint();
    } else if (k == "cpu_time_ns") {
      r.cpu_time_ns = in.uint();
    } else if (k == "wall_time_ns") {
      r.wall_time_ns = in.uint();
    } else if (k == "off_cpu_ns") {
      r.off_cpu_ns = in.uint();
    } else if (k == "migration_count") {
      r.migration_count = in.uint();
    } else if (k == "cpus_used") {
      r.cpus_used.clear();
      const uint64_t n = in.array();
      for (uint64_t i = 0; i < n && in.ok(); ++i) r.cpus_used.insert(read_int(in));
    } else if (k == "migrations") {
      read_records(in, r.migrations, [&](Migration& m, std::string_view f) {
        if (f == "at_ns") {
          m.at_ns = in.uint();
          return true;
        }
        if (f == "from_cpu") {
          m.from_cpu = read_int(in);
          return true;
        }
        if (f == "to_cpu") {
          m.to_cpu = read_int(in);
          return true;
        }
        return false;
      });
    } else if (k == "max_gap_ms") {
      r.max_gap_ms = in.real();
    } else if (k == "max_gap_cpu") {
      r.max_gap_cpu = read_int(in);
    } else if (k == "max_gap_at_ms") {
      r.max_gap_at_ms = in.real();
    } else if (k == "largest_gaps") {
      read_records(in, r.largest_gaps, [&](Gap& g, std::string_view f) {
        if (f == "at_ns") {
          g.at_ns = in.uint();
          return true;
        }
        if (f == "duration_ns") {
          g.duration_ns = in.uint();
          return true;
        }
        if (f == "cpu") {
          g.cpu = read_int(in);
          return true;
        }
        return false;
      });
    } else if (k == "start_mono_ns") {
      r.start_mono_ns = in.uint();
    } else if (k == "wake_latencies_ns") {
      read_u64s(in, r.wake_latencies_ns);
    } else if (k == "wake_sample_total") {
      r.wake_sample_total = in.uint();
    } else if (k == "iteration_costs_ns") {
      read_u64s(in, r.iteration_costs_ns);
    } else if (k == "iteration_cost_sample_total") {
      r.iteration_cost_sample_total = in.uint();
    } else if (k == "schedstat_cpu_time_ns") {
      r.schedstat_cpu_time_ns = in.uint();
    } else if (k == "schedstat_run_delay_ns") {
      r.schedstat_run_delay_ns = in.uint();
    } else if (k == "schedstat_run_count") {
      r.schedstat_run_count = in.uint();
    } else if (k == "schedstat_available") {
      r.schedstat_available = in.boolean();
    } else if (k == "completed") {
      r.completed = in.boolean();
    } else if (k == "numa_pages") {
      r.numa_pages.clear();
      read_map(in, [&](std::string_view node) {
        int id = 0;
        const auto [end, ec] = std::from_chars(node.data(), node.data() + node.size(), id);
        const uint64_t pages = in.uint();
        if (ec == std::errc() && end == node.data() + node.size()) r.numa_pages[id] = pages;
        return true;
      });
    } else if (k == "vmstat_numa_pages_migrated") {
      r.vmstat_numa_pages_migrated = in.uint();
    } else if (k == "is_messenger") {
      r.is_messenger = in.boolean();
    } else if (k == "affinity_error") {
      r.affinity_error = in.text();
    } else if (k == "warnings") {
      r.warnings.clear();
      const uint64_t n = in.array();
      for (uint64_t i = 0; i < n && in.ok(); ++i) r.warnings.emplace_back(in.text());
    } else if (k == "extra") {
      r.extra.clear();
      read_map(in, [&](std::string_view name) {
        r.extra[std::string(name)] = in.real();
        return true;
      });
    } else if (k == "exit_info") {
      r.exit_info.reset();
      if (in.null()) return true;
      ExitInfo e;
      read_map(in, [&](std::string_view f) {
        if (f == "kind") {
          e.kind = exit_kind_from(in.text());
          return true;
        }
        if (f == "code") {
          e.code = read_int(in);
          return true;
        }
        if (f == "message") {
          e.message = in.text();
          return true;
        }
        return false;
      });
      r.exit_info = std::move(e);
    } else {
      return false;
    }
    return true;
  });
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
  for (size_t i = 0; i < count; ++i) write_report(w, reports[i]);
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

Result<std::vector<WorkerReport>> decode_reports(const uint8_t* data, size_t size) {
  CborReader in(data, size);
  std::vector<WorkerReport> out;
  const uint64_t n = in.array();
  if (!in.ok()) return make_error(ErrorKind::kRuntime, "worker report: " + in.error());
  out.reserve(static_cast<size_t>(n));
  for (uint64_t i = 0; i < n && in.ok(); ++i) read_report(in, out.emplace_back());
  if (in.ok() && !in.at_end()) {
    return make_error(ErrorKind::kRuntime, "worker report: bytes after the report array");
  }
  if (!in.ok()) return make_error(ErrorKind::kRuntime, "worker report: " + in.error());
  return out;
}

}  // namespace ktstr::workload
