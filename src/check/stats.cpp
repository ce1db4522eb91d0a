#include "check/stats.hpp"

#include <algorithm>
#include <limits>

#include "topology/topology.hpp"
#include "util/stats.hpp"

namespace ktstr::check {
namespace {

using workload::WorkerReport;

double safe_div(double a, double b) {
  return b > 0 ? a / b : 0;
}

// Measured reports: sentinels carry zeros and would distort every rate; the
// starvation check is what reports them.
std::vector<const WorkerReport*> measured(const std::vector<WorkerReport>& reports) {
  std::vector<const WorkerReport*> out;
  for (const auto& r : reports) {
    if (r.completed && r.wall_time_ns > 0) out.push_back(&r);
  }
  return out;
}

void fill_off_cpu(const CgroupInput& in, CgroupStats& s) {
  std::vector<double> pcts;
  std::map<size_t, std::pair<double, double>> per_group;  // group -> (min, max)
  for (size_t i = 0; i < in.reports.size(); ++i) {
    const auto& r = in.reports[i];
    if (!r.completed || r.wall_time_ns == 0) continue;
    const double p = off_cpu_pct(r);
    pcts.push_back(p);
    const size_t g = i < in.work_group.size() ? in.work_group[i] : 0;
    auto [it, fresh] = per_group.try_emplace(g, p, p);
    if (!fresh) {
      it->second.first = std::min(it->second.first, p);
      it->second.second = std::max(it->second.second, p);
    }
  }
  if (pcts.empty()) return;
  auto [lo, hi] = std::minmax_element(pcts.begin(), pcts.end());
  s.off_cpu_pct_min = *lo;
  s.off_cpu_pct_max = *hi;
  s.off_cpu_pct_avg = mean(pcts);
  for (const auto& [g, mm] : per_group) s.spread_pct = std::max(s.spread_pct, mm.second - mm.first);
}

void fill_gap_and_counts(const std::vector<WorkerReport>& reports, CgroupStats& s) {
  for (const auto& r : reports) {
    if (r.completed) ++s.completed;
    for (int c : r.cpus_used) s.cpus_used.insert(c);
    s.migrations += r.migration_count;
    s.iterations += r.iterations;
    s.work_units += r.work_units;
    if (s.max_gap_worker < 0 || r.max_gap_ms > s.max_gap_ms) {
      s.max_gap_ms = r.max_gap_ms;
      s.max_gap_cpu = r.max_gap_cpu;
      s.max_gap_worker = static_cast<long>(r.worker_index);
      s.max_gap_tid = r.tid;
      s.max_gap_at_ms = r.max_gap_at_ms;
    }
  }
  s.migration_ratio =
      safe_div(static_cast<double>(s.migrations), static_cast<double>(s.iterations));
}

void fill_wake(const std::vector<WorkerReport>& reports, CgroupStats& s) {
  std::vector<uint64_t> pooled;
  for (const auto& r : reports) {
    pooled.insert(pooled.end(), r.wake_latencies_ns.begin(), r.wake_latencies_ns.end());
    s.wake_sample_total += r.wake_sample_total;
  }
  s.wake_samples = pooled.size();
  s.wakeup = workload::wakeup_breakdown(reports);
  if (pooled.empty()) return;
  std::sort(pooled.begin(), pooled.end());
  s.wake_p50_ns = percentile_sorted(pooled, 50);
  s.wake_p99_ns = percentile_sorted(pooled, 99);
  s.wake_p999_ns = percentile_sorted(pooled, 99.9);
  std::vector<double> as_double(pooled.begin(), pooled.end());
  s.wake_cv = coefficient_of_variation(as_double);
}

void fill_rates(const std::vector<const WorkerReport*>& rs, CgroupStats& s) {
  std::vector<double> work_rates;
  double min_iter = std::numeric_limits<double>::infinity();
  for (const auto* r : rs) {
    if (r->cpu_time_ns > 0) work_rates.push_back(work_rate_per_cpu_s(*r));
    min_iter = std::min(min_iter, iteration_rate_per_s(*r));
  }
  if (!work_rates.empty()) {
    s.throughput_cv = coefficient_of_variation(work_rates);
    s.min_work_rate = *std::min_element(work_rates.begin(), work_rates.end());
  }
  s.min_iteration_rate = rs.empty() ? 0 : min_iter;
}

void fill_run_delay(const std::vector<const WorkerReport*>& rs, CgroupStats& s) {
  std::vector<double> delays;
  for (const auto* r : rs) {
    if (!r->schedstat_available) continue;
    double ms = static_cast<double>(r->schedstat_run_delay_ns) / 1e6;
    if (delays.empty() || ms > s.run_delay_worst_ms) {
      s.run_delay_worst_ms = ms;
      s.run_delay_worst_worker = static_cast<long>(r->worker_index);
    }
    delays.push_back(ms);
  }
  s.schedstat_available = !delays.empty();
  s.run_delay_mean_ms = mean(delays);
}

void fill_numa(const std::vector<WorkerReport>& reports, const NumaContext& numa, CgroupStats& s) {
  uint64_t total = 0, local = 0, slow = 0, migrated = 0;
  for (const auto& r : reports) {
    std::set<int> nodes;
    for (int c : r.cpus_used) {
      auto it = numa.cpu_node.find(c);
      if (it != numa.cpu_node.end()) nodes.insert(it->second);
    }
    for (const auto& [node, pages] : r.numa_pages) {
      total += pages;
      if (nodes.count(node)) local += pages;
      if (numa.cpuless_nodes.count(node)) slow += pages;
    }
    migrated += r.vmstat_numa_pages_migrated;
  }
  if (total == 0) return;
  const auto t = static_cast<double>(total);
  s.page_locality = static_cast<double>(local) / t;
  s.cross_node_migration_ratio = static_cast<double>(migrated) / t;
  s.slow_tier_ratio = static_cast<double>(slow) / t;
}

}  // namespace

NumaContext NumaContext::from_topology(const topo::Topology& t) {
  NumaContext c;
  for (const auto& cpu : t.cpus()) c.cpu_node[cpu.id] = cpu.node;
  for (const auto& n : t.nodes()) {
    if (n.cpus.empty()) c.cpuless_nodes.insert(n.id);
  }
  return c;
}

double off_cpu_pct(const WorkerReport& r) {
  return 100.0 * safe_div(static_cast<double>(r.off_cpu_ns), static_cast<double>(r.wall_time_ns));
}

double work_rate_per_cpu_s(const WorkerReport& r) {
  return safe_div(static_cast<double>(r.work_units), static_cast<double>(r.cpu_time_ns) / 1e9);
}

double iteration_rate_per_s(const WorkerReport& r) {
  return safe_div(static_cast<double>(r.iterations), static_cast<double>(r.wall_time_ns) / 1e9);
}

CgroupStats compute_cgroup_stats(const CgroupInput& in, const NumaContext& numa) {
  CgroupStats s;
  s.name = in.name;
  s.workers = in.reports.size();
  s.cpuset = in.allowed_cpus;
  auto rs = measured(in.reports);
  fill_off_cpu(in, s);
  fill_gap_and_counts(in.reports, s);
  fill_wake(in.reports, s);
  fill_rates(rs, s);
  fill_run_delay(rs, s);
  fill_numa(in.reports, numa, s);
  return s;
}

ScenarioStats fold_scenario_stats(const std::vector<CgroupStats>& cgroups) {
  ScenarioStats f;
  f.cgroups = cgroups.size();
  bool first_measured = true;
  for (const auto& c : cgroups) {
    f.workers += c.workers;
    f.completed += c.completed;
    f.iterations += c.iterations;
    f.work_units += c.work_units;
    f.migrations += c.migrations;
    if (c.completed > 0) {
      f.off_cpu_pct_min =
          first_measured ? c.off_cpu_pct_min : std::min(f.off_cpu_pct_min, c.off_cpu_pct_min);
      f.off_cpu_pct_max = std::max(f.off_cpu_pct_max, c.off_cpu_pct_max);
      f.min_iteration_rate = first_measured ? c.min_iteration_rate
                                            : std::min(f.min_iteration_rate, c.min_iteration_rate);
      f.min_work_rate =
          first_measured ? c.min_work_rate : std::min(f.min_work_rate, c.min_work_rate);
      first_measured = false;
    }
    if (f.max_spread_cgroup.empty() || c.spread_pct > f.max_spread_pct) {
      f.max_spread_pct = c.spread_pct;
      f.max_spread_cgroup = c.name;
    }
    if (f.max_gap_cgroup.empty() || c.max_gap_ms > f.max_gap_ms) {
      f.max_gap_ms = c.max_gap_ms;
      f.max_gap_cgroup = c.name;
      f.max_gap_cpu = c.max_gap_cpu;
    }
    f.max_migration_ratio = std::max(f.max_migration_ratio, c.migration_ratio);
    f.worst_wake_p50_ns = std::max(f.worst_wake_p50_ns, c.wake_p50_ns);
    if (c.wake_p99_ns > f.worst_wake_p99_ns) {
      f.worst_wake_p99_ns = c.wake_p99_ns;
      f.worst_wake_p99_cgroup = c.name;
    }
    f.worst_wake_p999_ns = std::max(f.worst_wake_p999_ns, c.wake_p999_ns);
    f.max_wake_cv = std::max(f.max_wake_cv, c.wake_cv);
    f.worst_wakeup_p50_ns = std::max(f.worst_wakeup_p50_ns, c.wakeup.all.p50_ns);
    f.worst_wakeup_p99_ns = std::max(f.worst_wakeup_p99_ns, c.wakeup.all.p99_ns);
    f.wakeup_count += c.wakeup.all.count;
    f.max_throughput_cv = std::max(f.max_throughput_cv, c.throughput_cv);
    f.run_delay_worst_ms = std::max(f.run_delay_worst_ms, c.run_delay_worst_ms);
    if (c.page_locality) {
      f.min_page_locality =
          f.min_page_locality ? std::min(*f.min_page_locality, *c.page_locality) : *c.page_locality;
    }
  }
  return f;
}

}  // namespace ktstr::check
