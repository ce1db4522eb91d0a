// WorkerReport: everything one worker measured (workload.md "WorkerReport").
// Crosses the report pipe as CBOR; JSON field names are the public schema.
// The field list (keys, which are required) is written once, in
// report_fields.hpp; a new member goes there too.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/result.hpp"

namespace ktstr {
class CborSink;
}

namespace ktstr::workload {

struct Migration {
  uint64_t at_ns = 0;  // since the worker's start handshake
  int from_cpu = -1;
  int to_cpu = -1;
  bool operator==(const Migration&) const = default;
};

// One scheduling gap: the wall time between two checkpoints (ends at at_ns).
struct Gap {
  uint64_t at_ns = 0;  // since the worker's start handshake, when the gap ended
  uint64_t duration_ns = 0;
  int cpu = -1;  // CPU the worker resumed on
  bool operator==(const Gap&) const = default;
};

inline constexpr size_t kLargestGapsKept = 8;

// Where a wakee ran relative to its waker, from the run's topology (the
// machine the workers ran on). The order is the order of
// WorkerReport::wakeup_placement_totals and of the JSON placement codes.
enum class Placement : uint8_t { kSameCpu, kSameLlc, kSameNode, kCrossNode, kUnknown };
inline constexpr size_t kPlacements = 5;
// "same_cpu", "same_llc", "same_node", "cross_node", "unknown".
const char* placement_text(Placement p);

// One waker-stamped wakeup: the waker's CLOCK_MONOTONIC stamp right before
// its wake call to the wakee's clock right after its wait returned.
// JSON: [latency_ns, waker_cpu, wakee_cpu, placement code].
struct WakeupSample {
  uint64_t latency_ns = 0;
  int waker_cpu = -1;  // -1: unknown
  int wakee_cpu = -1;
  Placement placement = Placement::kUnknown;
  bool operator==(const WakeupSample&) const = default;
};

// Why a sentinel report stands in for a worker that produced none.
struct ExitInfo {
  enum class Kind { kExited, kSignaled, kTimedOut, kWaitFailed, kPanicked };
  Kind kind = Kind::kExited;
  int code = 0;         // kExited: exit status; kSignaled: signal; kWaitFailed: errno
  std::string message;  // kPanicked: what the worker threw; others: human text
  bool operator==(const ExitInfo&) const = default;
};

struct WorkerReport {
  pid_t tid = 0;
  size_t worker_index = 0;  // position in worker_pids() order
  size_t group_idx = 0;
  std::string work_type;
  uint64_t work_units = 0;
  uint64_t iterations = 0;
  uint64_t cpu_time_ns = 0;   // CLOCK_THREAD_CPUTIME_ID over the run
  uint64_t wall_time_ns = 0;  // start handshake to loop exit
  uint64_t off_cpu_ns = 0;    // wall - cpu
  uint64_t migration_count = 0;
  std::set<int> cpus_used;
  std::vector<Migration> migrations;  // capped; migration_count is the true total
  double max_gap_ms = 0;
  int max_gap_cpu = -1;
  double max_gap_at_ms = 0;
  std::vector<Gap> largest_gaps;  // the kLargestGapsKept longest, longest first
  uint64_t start_mono_ns = 0;     // CLOCK_MONOTONIC at the start handshake (aligns traces)
  // Blocked-duration sample ("wake" for history): the time the worker spent
  // in its wait, which includes the partner's work before it woke us.
  std::vector<uint64_t> wake_latencies_ns;  // reservoir sample
  uint64_t wake_sample_total = 0;
  std::vector<WakeupSample> wakeup_latencies;  // reservoir sample, waker-stamped
  uint64_t wakeup_sample_total = 0;
  std::vector<uint64_t> wakeup_placement_totals;  // true counts by Placement; empty if none
  std::vector<uint64_t> iteration_costs_ns;       // reservoir sample
  uint64_t iteration_cost_sample_total = 0;
  uint64_t schedstat_cpu_time_ns = 0;  // deltas over the run
  uint64_t schedstat_run_delay_ns = 0;
  uint64_t schedstat_run_count = 0;
  bool schedstat_available = false;
  bool completed = false;
  std::map<int, uint64_t> numa_pages;  // node -> pages at the end
  uint64_t vmstat_numa_pages_migrated = 0;
  std::optional<ExitInfo> exit_info;  // sentinels only
  bool is_messenger = false;
  std::string affinity_error;
  std::vector<std::string> warnings;    // settings that could not be applied
  std::map<std::string, double> extra;  // work-type specific metrics
  bool operator==(const WorkerReport&) const = default;
};

void to_json(nlohmann::json& j, const WorkerReport& r);
void from_json(const nlohmann::json& j, WorkerReport& r);
std::string to_string(const ExitInfo& e);

// "exited", "signaled", "timed_out", "wait_failed", "panicked".
const char* exit_kind_text(ExitInfo::Kind k);
// The inverse; unknown text reads as kExited.
ExitInfo::Kind exit_kind_from(std::string_view text);

// One report as the wire encoder reads it: the scalars, strings and maps of
// a WorkerReport plus its variable-length arrays, which need not live in it.
// A forked worker encodes straight from its telemetry's buffers (see
// Telemetry::arrays), so nothing is copied or allocated on its way out.
struct ReportArrays {
  std::span<const uint64_t> wake_latencies_ns;
  std::span<const uint64_t> iteration_costs_ns;
  std::span<const Migration> migrations;
  std::span<const Gap> largest_gaps;     // longest first
  const cpu_set_t* cpus_used = nullptr;  // null: the report's own cpus_used
  // Packed wakeup samples (wakeup.hpp) and the placement totals; null
  // wakeups_packed data: the report's own of both.
  std::span<const uint64_t> wakeups_packed;
  std::span<const uint64_t> wakeup_placement_totals;
};
struct ReportRef {
  const WorkerReport* report = nullptr;  // its four arrays above are not read
  std::string_view work_type;
  ReportArrays arrays;
};
// Everything from the report itself.
ReportRef ref_to(const WorkerReport& r);
std::vector<ReportRef> refs_to(const std::vector<WorkerReport>& reports);
// Copies the arrays into the report's own containers (replacing them).
void copy_arrays(const ReportArrays& a, WorkerReport& r);

// The wire form (report_cbor.cpp): a CBOR array of to_json-shaped maps.
// write_reports streams it without allocating; encode_reports collects it.
// decode_reports treats its input as untrusted (a child wrote it): any
// array or map longer than kMaxReportArrayItems, any count beyond the input,
// and (when `expected` is given) any other number of reports is an error,
// found before anything is sized by it.
inline constexpr size_t kMaxReportArrayItems = 100000;  // >= every capped array of a report
inline constexpr size_t kMaxWorkersPerChild = 4096;     // reports reserved up front at most
void write_reports(CborSink& sink, const ReportRef* reports, size_t count);
std::vector<uint8_t> encode_reports(const ReportRef* reports, size_t count);
std::vector<uint8_t> encode_reports(const std::vector<WorkerReport>& reports);
Result<std::vector<WorkerReport>> decode_reports(const uint8_t* data, size_t size,
                                                 std::optional<size_t> expected = std::nullopt);

// A report with zeros and completed=false standing in for a lost worker.
WorkerReport make_sentinel(size_t worker_index, size_t group_idx, pid_t tid,
                           const std::string& work_type, ExitInfo info);

}  // namespace ktstr::workload
