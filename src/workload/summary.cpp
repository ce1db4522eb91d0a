#include "workload/summary.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "util/stats.hpp"

namespace ktstr::workload {
namespace {

WakeupStats wakeup_stats(std::vector<uint64_t>& samples, uint64_t count) {
  std::sort(samples.begin(), samples.end());
  return {count, percentile_sorted(samples, 50), percentile_sorted(samples, 90),
          percentile_sorted(samples, 99)};
}

void to_json(nlohmann::json& j, const WakeupStats& s) {
  j = {{"count", s.count}, {"p50_ns", s.p50_ns}, {"p90_ns", s.p90_ns}, {"p99_ns", s.p99_ns}};
}
void from_json(const nlohmann::json& j, WakeupStats& s) {
  s.count = j.value("count", uint64_t{0});
  s.p50_ns = j.value("p50_ns", uint64_t{0});
  s.p90_ns = j.value("p90_ns", uint64_t{0});
  s.p99_ns = j.value("p99_ns", uint64_t{0});
}

}  // namespace

WakeupBreakdown wakeup_breakdown(const std::vector<const WorkerReport*>& reports) {
  WakeupBreakdown b;
  std::vector<uint64_t> all;
  std::array<std::vector<uint64_t>, kPlacements> per;
  std::array<uint64_t, kPlacements> counts{};
  uint64_t total = 0;
  for (const WorkerReport* r : reports) {
    total += r->wakeup_sample_total;
    for (size_t p = 0; p < kPlacements && p < r->wakeup_placement_totals.size(); ++p) {
      counts[p] += r->wakeup_placement_totals[p];
    }
    for (const auto& w : r->wakeup_latencies) {
      all.push_back(w.latency_ns);
      per[static_cast<size_t>(w.placement)].push_back(w.latency_ns);
    }
  }
  b.all = wakeup_stats(all, total);
  for (size_t p = 0; p < kPlacements; ++p) b.by_placement[p] = wakeup_stats(per[p], counts[p]);
  return b;
}

WakeupBreakdown wakeup_breakdown(const std::vector<WorkerReport>& reports) {
  std::vector<const WorkerReport*> ptrs;
  ptrs.reserve(reports.size());
  for (const auto& r : reports) ptrs.push_back(&r);
  return wakeup_breakdown(ptrs);
}

void to_json(nlohmann::json& j, const WakeupBreakdown& b) {
  to_json(j, b.all);
  auto& by = j["by_placement"] = nlohmann::json::object();
  for (size_t p = 0; p < kPlacements; ++p) {
    if (b.by_placement[p].count > 0) {
      to_json(by[placement_text(static_cast<Placement>(p))], b.by_placement[p]);
    }
  }
}

void from_json(const nlohmann::json& j, WakeupBreakdown& b) {
  b = {};
  from_json(j, b.all);
  const auto by = j.find("by_placement");
  if (by == j.end() || !by->is_object()) return;
  for (size_t p = 0; p < kPlacements; ++p) {
    const auto it = by->find(placement_text(static_cast<Placement>(p)));
    if (it != by->end()) from_json(*it, b.by_placement[p]);
  }
}

WorkloadSummary summarize(const std::vector<WorkerReport>& reports) {
  WorkloadSummary s;
  std::vector<uint64_t> wakes;
  double off_pct_sum = 0;
  for (const auto& r : reports) {
    ++s.workers;
    if (r.completed) ++s.completed;
    s.work_units += r.work_units;
    s.iterations += r.iterations;
    if (r.wall_time_ns > 0) {
      s.work_units_per_sec +=
          static_cast<double>(r.work_units) * 1e9 / static_cast<double>(r.wall_time_ns);
      off_pct_sum +=
          100.0 * static_cast<double>(r.off_cpu_ns) / static_cast<double>(r.wall_time_ns);
    }
    s.wake_samples += r.wake_sample_total;
    wakes.insert(wakes.end(), r.wake_latencies_ns.begin(), r.wake_latencies_ns.end());
    s.migrations += r.migration_count;
    if (r.max_gap_ms > s.max_gap_ms) {
      s.max_gap_ms = r.max_gap_ms;
      s.max_gap_cpu = r.max_gap_cpu;
    }
    s.run_delay_ns += r.schedstat_run_delay_ns;
  }
  std::sort(wakes.begin(), wakes.end());
  s.wake_p50_ns = percentile_sorted(wakes, 50);
  s.wake_p99_ns = percentile_sorted(wakes, 99);
  s.wake_max_ns = wakes.empty() ? 0 : wakes.back();
  s.mean_off_cpu_pct = s.workers ? off_pct_sum / static_cast<double>(s.workers) : 0;
  s.wakeup = wakeup_breakdown(reports);
  return s;
}

void to_json(nlohmann::json& j, const WorkloadSummary& s) {
  j = {{"workers", s.workers},
       {"completed", s.completed},
       {"work_units", s.work_units},
       {"iterations", s.iterations},
       {"work_units_per_sec", s.work_units_per_sec},
       {"wake_samples", s.wake_samples},
       {"wake_p50_ns", s.wake_p50_ns},
       {"wake_p99_ns", s.wake_p99_ns},
       {"wake_max_ns", s.wake_max_ns},
       {"migrations", s.migrations},
       {"max_gap_ms", s.max_gap_ms},
       {"max_gap_cpu", s.max_gap_cpu},
       {"mean_off_cpu_pct", s.mean_off_cpu_pct},
       {"run_delay_ns", s.run_delay_ns}};
  to_json(j["wakeup"], s.wakeup);
}

}  // namespace ktstr::workload
