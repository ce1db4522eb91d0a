#include "workload/report.hpp"

#include <nlohmann/json.hpp>

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

void to_json(nlohmann::json& j, const WorkerReport& r) {
  nlohmann::json migs = nlohmann::json::array();
  for (const auto& m : r.migrations) {
    migs.push_back({{"at_ns", m.at_ns}, {"from_cpu", m.from_cpu}, {"to_cpu", m.to_cpu}});
  }
  nlohmann::json gaps = nlohmann::json::array();
  for (const auto& g : r.largest_gaps) {
    gaps.push_back({{"at_ns", g.at_ns}, {"duration_ns", g.duration_ns}, {"cpu", g.cpu}});
  }
  nlohmann::json numa = nlohmann::json::object();
  for (const auto& [node, pages] : r.numa_pages) numa[std::to_string(node)] = pages;
  j = {{"tid", r.tid},
       {"worker_index", r.worker_index},
       {"group_idx", r.group_idx},
       {"work_type", r.work_type},
       {"work_units", r.work_units},
       {"iterations", r.iterations},
       {"cpu_time_ns", r.cpu_time_ns},
       {"wall_time_ns", r.wall_time_ns},
       {"off_cpu_ns", r.off_cpu_ns},
       {"migration_count", r.migration_count},
       {"cpus_used", r.cpus_used},
       {"migrations", std::move(migs)},
       {"max_gap_ms", r.max_gap_ms},
       {"max_gap_cpu", r.max_gap_cpu},
       {"max_gap_at_ms", r.max_gap_at_ms},
       {"largest_gaps", std::move(gaps)},
       {"start_mono_ns", r.start_mono_ns},
       {"wake_latencies_ns", r.wake_latencies_ns},
       {"wake_sample_total", r.wake_sample_total},
       {"iteration_costs_ns", r.iteration_costs_ns},
       {"iteration_cost_sample_total", r.iteration_cost_sample_total},
       {"schedstat_cpu_time_ns", r.schedstat_cpu_time_ns},
       {"schedstat_run_delay_ns", r.schedstat_run_delay_ns},
       {"schedstat_run_count", r.schedstat_run_count},
       {"schedstat_available", r.schedstat_available},
       {"completed", r.completed},
       {"numa_pages", std::move(numa)},
       {"vmstat_numa_pages_migrated", r.vmstat_numa_pages_migrated},
       {"is_messenger", r.is_messenger},
       {"affinity_error", r.affinity_error},
       {"warnings", r.warnings},
       {"extra", r.extra}};
  if (r.exit_info) {
    j["exit_info"] = {{"kind", exit_kind_text(r.exit_info->kind)},
                      {"code", r.exit_info->code},
                      {"message", r.exit_info->message}};
  } else {
    j["exit_info"] = nullptr;
  }
}

void from_json(const nlohmann::json& j, WorkerReport& r) {
  r.tid = j.at("tid").get<pid_t>();
  r.worker_index = j.value("worker_index", size_t{0});
  r.group_idx = j.at("group_idx").get<size_t>();
  r.work_type = j.value("work_type", std::string{});
  r.work_units = j.at("work_units").get<uint64_t>();
  r.iterations = j.at("iterations").get<uint64_t>();
  r.cpu_time_ns = j.at("cpu_time_ns").get<uint64_t>();
  r.wall_time_ns = j.at("wall_time_ns").get<uint64_t>();
  r.off_cpu_ns = j.at("off_cpu_ns").get<uint64_t>();
  r.migration_count = j.at("migration_count").get<uint64_t>();
  r.cpus_used = j.at("cpus_used").get<std::set<int>>();
  r.migrations.clear();
  for (const auto& m : j.at("migrations")) {
    r.migrations.push_back(
        {m.at("at_ns").get<uint64_t>(), m.at("from_cpu").get<int>(), m.at("to_cpu").get<int>()});
  }
  r.max_gap_ms = j.at("max_gap_ms").get<double>();
  r.max_gap_cpu = j.at("max_gap_cpu").get<int>();
  r.max_gap_at_ms = j.at("max_gap_at_ms").get<double>();
  r.largest_gaps.clear();
  if (j.contains("largest_gaps")) {
    for (const auto& g : j["largest_gaps"]) {
      r.largest_gaps.push_back({g.at("at_ns").get<uint64_t>(), g.at("duration_ns").get<uint64_t>(),
                                g.at("cpu").get<int>()});
    }
  }
  r.start_mono_ns = j.value("start_mono_ns", uint64_t{0});
  r.wake_latencies_ns = j.at("wake_latencies_ns").get<std::vector<uint64_t>>();
  r.wake_sample_total = j.at("wake_sample_total").get<uint64_t>();
  r.iteration_costs_ns = j.at("iteration_costs_ns").get<std::vector<uint64_t>>();
  r.iteration_cost_sample_total = j.at("iteration_cost_sample_total").get<uint64_t>();
  r.schedstat_cpu_time_ns = j.value("schedstat_cpu_time_ns", uint64_t{0});
  r.schedstat_run_delay_ns = j.value("schedstat_run_delay_ns", uint64_t{0});
  r.schedstat_run_count = j.value("schedstat_run_count", uint64_t{0});
  r.schedstat_available = j.value("schedstat_available", false);
  r.completed = j.at("completed").get<bool>();
  r.numa_pages.clear();
  for (const auto& [node, pages] : j.at("numa_pages").items()) {
    r.numa_pages[std::stoi(node)] = pages.get<uint64_t>();
  }
  r.vmstat_numa_pages_migrated = j.value("vmstat_numa_pages_migrated", uint64_t{0});
  r.is_messenger = j.value("is_messenger", false);
  r.affinity_error = j.value("affinity_error", std::string{});
  r.warnings = j.value("warnings", std::vector<std::string>{});
  r.extra = j.value("extra", std::map<std::string, double>{});
  r.exit_info.reset();
  if (j.contains("exit_info") && !j["exit_info"].is_null()) {
    const auto& e = j["exit_info"];
    r.exit_info = ExitInfo{exit_kind_from(e.at("kind").get<std::string>()), e.value("code", 0),
                           e.value("message", std::string{})};
  }
}

void copy_arrays(const ReportArrays& a, WorkerReport& r) {
  r.wake_latencies_ns.assign(a.wake_latencies_ns.begin(), a.wake_latencies_ns.end());
  r.iteration_costs_ns.assign(a.iteration_costs_ns.begin(), a.iteration_costs_ns.end());
  r.migrations.assign(a.migrations.begin(), a.migrations.end());
  r.largest_gaps.assign(a.largest_gaps.begin(), a.largest_gaps.end());
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
