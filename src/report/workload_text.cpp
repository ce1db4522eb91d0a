#include "report/workload_text.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/stats.hpp"

namespace ktstr::report {
namespace {

double us(uint64_t ns) {
  return static_cast<double>(ns) / 1e3;
}

// The waker-stamped wakeup latency and its placement rows (docs/workload.md).
std::string render_wakeups(const workload::WakeupBreakdown& b) {
  if (b.all.count == 0) return "";
  std::string out = fmt::format(
      "wakeup latency (waker stamp to wakee running): p50 {:.1f}us  p90 {:.1f}us  p99 {:.1f}us  "
      "({} wakeups)\n",
      us(b.all.p50_ns), us(b.all.p90_ns), us(b.all.p99_ns), b.all.count);
  out += fmt::format("  {:<10} {:>10} {:>9} {:>9} {:>9}\n", "placement", "count", "p50us", "p90us",
                     "p99us");
  for (size_t p = 0; p < workload::kPlacements; ++p) {
    const auto& w = b.by_placement[p];
    if (w.count == 0) continue;
    out += fmt::format("  {:<10} {:>10} {:>9.1f} {:>9.1f} {:>9.1f}\n",
                       workload::placement_text(static_cast<workload::Placement>(p)), w.count,
                       us(w.p50_ns), us(w.p90_ns), us(w.p99_ns));
  }
  return out;
}

}  // namespace

std::string render_workload_text(const std::vector<workload::WorkerReport>& reports,
                                 const workload::WorkloadSummary& s, const std::string& type) {
  std::string out = fmt::format(
      "{:>3} {:>7} {:>5} {:>12} {:>10} {:>8} {:>6} {:>9} {:>10} {:>10} {}\n", "#", "tid", "grp",
      "work_units", "iters", "off-cpu%", "migr", "maxgap_ms", "wake_p50us", "wake_p99us", "status");
  for (const auto& r : reports) {
    double off = r.wall_time_ns ? 100.0 * static_cast<double>(r.off_cpu_ns) /
                                      static_cast<double>(r.wall_time_ns)
                                : 0;
    auto wake = r.wake_latencies_ns;
    std::sort(wake.begin(), wake.end());
    auto pct = [&](double p) {
      if (wake.empty()) return std::string("-");
      return fmt::format("{:.1f}", static_cast<double>(percentile_sorted(wake, p)) / 1e3);
    };
    std::string status = r.completed ? "ok" : to_string(*r.exit_info);
    if (!r.affinity_error.empty()) status += " [affinity: " + r.affinity_error + "]";
    for (const auto& w : r.warnings) status += " [" + w + "]";
    out += fmt::format("{:>3} {:>7} {:>5} {:>12} {:>10} {:>8.1f} {:>6} {:>9.2f} {:>10} {:>10} {}\n",
                       r.worker_index, r.tid, r.group_idx, r.work_units, r.iterations, off,
                       r.migration_count, r.max_gap_ms, pct(50), pct(99), status);
  }
  out += fmt::format("\n{}: {}/{} workers completed, {:.3g} work units/s, {} iterations\n", type,
                     s.completed, s.workers, s.work_units_per_sec, s.iterations);
  if (s.wake_samples > 0) {
    out += fmt::format(
        "blocked in wait (wake sample): p50 {:.1f}us  p99 {:.1f}us  max {:.1f}us  "
        "({} samples)\n",
        static_cast<double>(s.wake_p50_ns) / 1e3, static_cast<double>(s.wake_p99_ns) / 1e3,
        static_cast<double>(s.wake_max_ns) / 1e3, s.wake_samples);
  }
  out += render_wakeups(s.wakeup);
  out += fmt::format("migrations: {}  max gap: {:.2f}ms on cpu {}  mean off-cpu: {:.1f}%\n",
                     s.migrations, s.max_gap_ms, s.max_gap_cpu, s.mean_off_cpu_pct);
  return out;
}

std::string render_workload_output(const scenario::WorkloadRun& run, const std::string& type,
                                   bool json) {
  if (!json) return render_workload_text(run.reports, run.summary, type);
  nlohmann::json j = {{"reports", run.reports}, {"summary", run.summary}};
  return j.dump() + "\n";
}

}  // namespace ktstr::report
