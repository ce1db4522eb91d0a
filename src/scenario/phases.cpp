#include "scenario/phases.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "sched/sched_ext_sysfs.hpp"
#include "util/file_io.hpp"

namespace ktstr::scenario {
namespace {

bool in_window(uint64_t t, const PhaseWindow& w) {
  return t >= w.start.mono_ns && t < w.end.mono_ns;
}

double ms(uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

// Schedstat of the workers over the window: end - start per pid seen at the
// end; a pid only seen at the start (stopped inside the phase) adds nothing
// past its start reading.
void add_schedstat(const PhaseWindow& w, check::PhaseStats& p) {
  p.schedstat_available = !w.end.schedstat.empty();
  uint64_t cpu = 0, delay = 0, count = 0;
  for (const auto& [pid, e] : w.end.schedstat) {
    sys::Schedstat s{};
    if (auto it = w.start.schedstat.find(pid); it != w.start.schedstat.end()) s = it->second;
    if (e.cpu_time_ns < s.cpu_time_ns || e.run_delay_ns < s.run_delay_ns) continue;  // pid reuse
    cpu += e.cpu_time_ns - s.cpu_time_ns;
    delay += e.run_delay_ns - s.run_delay_ns;
    count += e.run_count >= s.run_count ? e.run_count - s.run_count : 0;
  }
  p.cpu_time_ms = ms(cpu);
  p.run_delay_ms = ms(delay);
  p.run_count = count;
  p.cpu_util = p.duration_ms > 0 ? p.cpu_time_ms / p.duration_ms : 0;
  p.mean_run_delay_us =
      count > 0 ? static_cast<double>(delay) / 1e3 / static_cast<double>(count) : 0;
}

// Migrations and the longest gap from one worker's timestamps.
void add_worker(const PhaseWindow& w, const workload::WorkerReport& r, check::PhaseStats& p,
                double& gap_bound_ms) {
  for (const auto& m : r.migrations) {
    if (in_window(r.start_mono_ns + m.at_ns, w)) ++p.migrations;
  }
  // The first kMaxMigrationsKept are kept: past the last kept one, unknown.
  if (r.migration_count > r.migrations.size() && !r.migrations.empty() &&
      r.start_mono_ns + r.migrations.back().at_ns < w.end.mono_ns) {
    p.migrations_exact = false;
  }
  bool kept_here = false;
  uint64_t shortest_kept = UINT64_MAX;
  for (const auto& g : r.largest_gaps) {
    shortest_kept = std::min(shortest_kept, g.duration_ns);
    if (!in_window(r.start_mono_ns + g.at_ns, w)) continue;
    kept_here = true;
    p.max_gap_ms = std::max(p.max_gap_ms, ms(g.duration_ns));
  }
  // Only the longest gaps are kept: if this worker's list is full and none
  // fell here, its gaps here were at most the shortest kept one.
  if (!kept_here && r.largest_gaps.size() >= workload::kLargestGapsKept) {
    gap_bound_ms = std::max(gap_bound_ms, ms(shortest_kept));
  }
}

bool overlaps(const workload::WorkerReport& r, const PhaseWindow& w) {
  if (r.start_mono_ns == 0) return false;
  const uint64_t end = r.start_mono_ns + r.wall_time_ns;
  return r.start_mono_ns < w.end.mono_ns && end > w.start.mono_ns;
}

}  // namespace

std::string phase_name(const Step& step, size_t index) {
  return step.name.empty() ? fmt::format("step{}", index + 1) : step.name;
}

std::vector<std::string> phase_names(const Scenario& s) {
  if (s.steps.empty()) return {"step1"};
  std::vector<std::string> out;
  for (size_t i = 0; i < s.steps.size(); ++i) out.push_back(phase_name(s.steps[i], i));
  return out;
}

Status validate_phases(const Scenario& s) {
  const auto names = phase_names(s);
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (seen.insert(names[i]).second) continue;
    const int line = i < s.steps.size() ? s.steps[i].line : 0;
    return invalid_input(
        fmt::format("step name '{}' is used twice: give every [[step]] a unique name", names[i]),
        line > 0 ? fmt::format("{}:{}", s.source, line) : s.source);
  }
  for (const auto& c : s.relative_checks) {
    Status st = check::validate_relative_check(c);
    if (st) st = check::check_relative_phases(c, names);
    if (!st) {
      return invalid_input(st.error().message,
                           c.line > 0 ? fmt::format("{}:{}", s.source, c.line) : s.source);
    }
  }
  return {};
}

PhaseMark take_phase_mark(const std::vector<pid_t>& pids, uint64_t iterations, uint64_t mono_ns) {
  PhaseMark m;
  m.mono_ns = mono_ns;
  m.iterations = iterations;
  for (pid_t pid : pids) {
    if (pid <= 0) continue;
    auto text = read_file(fmt::format("/proc/{}/schedstat", pid));
    if (!text) continue;
    if (auto s = sys::parse_schedstat(*text)) m.schedstat[pid] = *s;
  }
  return m;
}

std::string current_scheduler_name(const std::string& sysfs_root) {
  const auto st = sched::read_sched_ext_state(sysfs_root);
  return st.enabled() ? st.ops : "eevdf";
}

std::vector<check::PhaseStats> split_phases(const std::vector<PhaseWindow>& windows,
                                            const std::vector<workload::WorkerReport>& reports,
                                            uint64_t t0_ns) {
  std::vector<check::PhaseStats> out;
  for (const auto& w : windows) {
    check::PhaseStats p;
    p.name = w.name;
    p.step = w.step;
    p.scheduler = w.scheduler;
    p.start_ms = w.start.mono_ns > t0_ns ? ms(w.start.mono_ns - t0_ns) : 0;
    const uint64_t span = w.end.mono_ns > w.start.mono_ns ? w.end.mono_ns - w.start.mono_ns : 0;
    p.duration_ms = ms(span);
    p.iterations =
        w.end.iterations >= w.start.iterations ? w.end.iterations - w.start.iterations : 0;
    const double secs = static_cast<double>(span) / 1e9;
    p.iterations_per_s = secs > 0 ? static_cast<double>(p.iterations) / secs : 0;
    add_schedstat(w, p);
    double gap_bound_ms = 0;
    for (const auto& r : reports) {
      if (!overlaps(r, w)) continue;
      ++p.workers;
      add_worker(w, r, p, gap_bound_ms);
    }
    if (gap_bound_ms > p.max_gap_ms) {
      p.max_gap_ms = gap_bound_ms;
      p.max_gap_exact = false;
    }
    p.migrations_per_s = secs > 0 ? static_cast<double>(p.migrations) / secs : 0;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace ktstr::scenario
