#include "workload/report.hpp"

#include <nlohmann/json.hpp>

#include "workload/report_fields.hpp"
#include "workload/wakeup.hpp"

namespace ktstr::workload {

const char* exit_kind_text(ExitInfo::Kind k) {
  switch (k) {
    case ExitInfo::Kind::kExited:
      return "exited";
    case ExitInfo::Kind::kSignaled:
      return "signaled";
    case ExitInfo::Kind::kTimedOut:
      return "timed_out";
    case ExitInfo::Kind::kWaitFailed:
      return "wait_failed";
    case ExitInfo::Kind::kPanicked:
      return "panicked";
  }
  return "exited";
}

ExitInfo::Kind exit_kind_from(std::string_view text) {
  for (auto k : {ExitInfo::Kind::kExited, ExitInfo::Kind::kSignaled, ExitInfo::Kind::kTimedOut,
                 ExitInfo::Kind::kWaitFailed, ExitInfo::Kind::kPanicked}) {
    if (text == exit_kind_text(k)) return k;
  }
  return ExitInfo::Kind::kExited;
}

std::string to_string(const ExitInfo& e) {
  switch (e.kind) {
    case ExitInfo::Kind::kExited:
      return fmt::format("exited with status {}", e.code);
    case ExitInfo::Kind::kSignaled:
      return fmt::format("killed by signal {}", e.code);
    case ExitInfo::Kind::kTimedOut:
      return "timed out (no report before the deadline)";
    case ExitInfo::Kind::kWaitFailed:
      return fmt::format("wait failed (errno {})", e.code);
    case ExitInfo::Kind::kPanicked:
      return "panicked: " + e.message;
  }
  return "?";
}

const char* placement_text(Placement p) {
  switch (p) {
    case Placement::kSameCpu:
      return "same_cpu";
    case Placement::kSameLlc:
      return "same_llc";
    case Placement::kSameNode:
      return "same_node";
    case Placement::kCrossNode:
      return "cross_node";
    case Placement::kUnknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

using nlohmann::json;

// JSON of one value of a table-described struct. Records (types with a
// FieldTable) become objects; ExitInfo::Kind its text; NUMA node numbers
// decimal text keys; the rest nlohmann's own conversion.
template <class T>
void put_json(json& j, const T& v) {
  if constexpr (kHasFieldTable<T>) {
    j = json::object();
    for_each_field<T>([&](const auto& f) { put_json(j[std::string(f.key)], v.*f.kMember); });
  } else if constexpr (kIsOptional<T>) {
    if (v) {
      put_json(j, *v);
    } else {
      j = nullptr;
    }
  } else if constexpr (kIsRecordVector<T>) {
    j = json::array();
    for (const auto& e : v) put_json(j.emplace_back(), e);
  } else if constexpr (std::is_same_v<T, std::map<int, uint64_t>>) {
    j = json::object();
    for (const auto& [node, pages] : v) j[std::to_string(node)] = pages;
  } else if constexpr (std::is_same_v<T, ExitInfo::Kind>) {
    j = exit_kind_text(v);
  } else if constexpr (std::is_same_v<T, std::vector<WakeupSample>>) {
    j = json::array();
    for (const auto& w : v) {
      j.push_back({w.latency_ns, w.waker_cpu, w.wakee_cpu, static_cast<int>(w.placement)});
    }
  } else {
    j = v;
  }
}

// The inverse. A record's required key missing throws (j.at); a defaulted
// one gets the value of a default-constructed record.
template <class T>
void get_json(const json& j, T& v) {
  if constexpr (kHasFieldTable<T>) {
    static const T kDefaults{};
    for_each_field<T>([&](const auto& f) {
      auto it = j.find(f.key);
      if (it != j.end()) {
        get_json(*it, v.*f.kMember);
      } else if (f.absent == Absent::kRequired) {
        (void)j.at(std::string(f.key));
      } else {
        v.*f.kMember = kDefaults.*f.kMember;
      }
    });
  } else if constexpr (kIsOptional<T>) {
    v.reset();
    if (!j.is_null()) get_json(j, v.emplace());
  } else if constexpr (kIsRecordVector<T>) {
    v.clear();
    for (const auto& e : j) get_json(e, v.emplace_back());
  } else if constexpr (std::is_same_v<T, std::map<int, uint64_t>>) {
    v.clear();
    for (const auto& [node, pages] : j.items()) v[std::stoi(node)] = pages.template get<uint64_t>();
  } else if constexpr (std::is_same_v<T, ExitInfo::Kind>) {
    v = exit_kind_from(j.get<std::string>());
  } else if constexpr (std::is_same_v<T, std::vector<WakeupSample>>) {
    v.clear();
    for (const auto& e : j) {
      const auto code = e.at(3).get<unsigned>();
      v.push_back({e.at(0).get<uint64_t>(), e.at(1).get<int>(), e.at(2).get<int>(),
                   code < kPlacements ? static_cast<Placement>(code) : Placement::kUnknown});
    }
  } else {
    v = j.get<T>();
  }
}

}  // namespace

void to_json(nlohmann::json& j, const WorkerReport& r) {
  put_json(j, r);
}

void from_json(const nlohmann::json& j, WorkerReport& r) {
  get_json(j, r);
}

void copy_arrays(const ReportArrays& a, WorkerReport& r) {
  r.wake_latencies_ns.assign(a.wake_latencies_ns.begin(), a.wake_latencies_ns.end());
  r.iteration_costs_ns.assign(a.iteration_costs_ns.begin(), a.iteration_costs_ns.end());
  r.migrations.assign(a.migrations.begin(), a.migrations.end());
  r.largest_gaps.assign(a.largest_gaps.begin(), a.largest_gaps.end());
  if (a.wakeups_packed.data() != nullptr) {
    r.wakeup_latencies.clear();
    for (uint64_t w : a.wakeups_packed) r.wakeup_latencies.push_back(unpack_wakeup(w));
    r.wakeup_placement_totals.assign(a.wakeup_placement_totals.begin(),
                                     a.wakeup_placement_totals.end());
  }
  if (a.cpus_used != nullptr) {
    r.cpus_used.clear();
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, a.cpus_used)) r.cpus_used.insert(c);
    }
  }
}

WorkerReport make_sentinel(size_t worker_index, size_t group_idx, pid_t tid,
                           const std::string& work_type, ExitInfo info) {
  WorkerReport r;
  r.worker_index = worker_index;
  r.group_idx = group_idx;
  r.tid = tid;
  r.work_type = work_type;
  r.completed = false;
  r.exit_info = std::move(info);
  return r;
}

}  // namespace ktstr::workload
