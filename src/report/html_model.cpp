// build_html_view: everything the page draws, precomputed and golden-tested.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "report/format.hpp"
#include "report/html.hpp"
#include "report/junit.hpp"
#include "report/run_text.hpp"
#include "report/summary.hpp"
#include "util/cpu_list.hpp"
#include "util/stats.hpp"

namespace ktstr::report {

using nlohmann::json;
using scenario::ScenarioResult;

namespace {

double nines(double pct) {
  return pct <= 0 ? 0 : -std::log10(1 - pct / 100);
}

// Latency series from pooled samples, one per group name (sorted by name).
json latency_from_samples(std::map<std::string, std::vector<uint64_t>> groups) {
  size_t most = 0;
  for (auto& [name, v] : groups) {
    std::sort(v.begin(), v.end());
    most = std::max(most, v.size());
  }
  if (most == 0) return nullptr;
  std::vector<double> pcts;
  for (double p : kLatencyPercentiles) {
    // A percentile needs 1/(1-p) samples to differ from the maximum.
    if (p == 0 || static_cast<double>(most) * (1 - p / 100) >= 1 - 1e-9) pcts.push_back(p);
  }
  json x = json::array(), series = json::array();
  for (double p : pcts) x.push_back(nines(p));
  for (const auto& [name, v] : groups) {
    if (v.empty()) continue;
    json y = json::array();
    for (double p : pcts) y.push_back(static_cast<double>(percentile_sorted(v, p)) / 1e3);
    series.push_back({{"name", name}, {"samples", v.size()}, {"y_us", std::move(y)}});
  }
  return {{"basis", "samples"}, {"pct", pcts}, {"x", std::move(x)}, {"series", std::move(series)}};
}

// Without raw reports: the three percentiles every cgroup's stats carry.
json latency_from_stats(const ScenarioResult& s) {
  const std::vector<double> pcts = {50, 99, 99.9};
  json x = json::array(), series = json::array();
  for (double p : pcts) x.push_back(nines(p));
  for (const auto& c : s.stats.cgroups) {
    if (c.wake_samples == 0) continue;
    series.push_back(
        {{"name", c.name},
         {"samples", c.wake_samples},
         {"y_us",
          {static_cast<double>(c.wake_p50_ns) / 1e3, static_cast<double>(c.wake_p99_ns) / 1e3,
           static_cast<double>(c.wake_p999_ns) / 1e3}}});
  }
  if (series.empty()) return nullptr;
  return {
      {"basis", "percentiles"}, {"pct", pcts}, {"x", std::move(x)}, {"series", std::move(series)}};
}

json cgroup_bars(const ScenarioResult& s) {
  json names = json::array(), share = json::array(), mn = json::array(), avg = json::array(),
       mx = json::array();
  std::map<std::string, double> cpu_ns;
  const bool exact = s.reports.has_value();
  if (exact) {
    for (const auto& cg : *s.reports) {
      for (const auto& r : cg.reports) cpu_ns[cg.cgroup] += static_cast<double>(r.cpu_time_ns);
    }
  } else {
    // Estimate: on-CPU share of the average worker times the worker count.
    for (const auto& c : s.stats.cgroups) {
      cpu_ns[c.name] = static_cast<double>(c.workers) * (100 - c.off_cpu_pct_avg);
    }
  }
  double total = 0;
  for (const auto& c : s.stats.cgroups) total += cpu_ns[c.name];
  for (const auto& c : s.stats.cgroups) {
    names.push_back(c.name);
    share.push_back(total > 0 ? cpu_ns[c.name] / total * 100 : 0.0);
    mn.push_back(c.off_cpu_pct_min);
    avg.push_back(c.off_cpu_pct_avg);
    mx.push_back(c.off_cpu_pct_max);
  }
  return {{"names", std::move(names)},
          {"cpu_share_pct", std::move(share)},
          {"cpu_share_basis", exact ? "cpu_time" : "estimate"},
          {"off_cpu_min", std::move(mn)},
          {"off_cpu_avg", std::move(avg)},
          {"off_cpu_max", std::move(mx)}};
}

json timeline_view(const ScenarioResult& s) {
  std::vector<std::string> cgroups;
  for (const auto& e : s.timeline) {
    for (const auto& [cg, n] : e.iterations) {
      if (std::find(cgroups.begin(), cgroups.end(), cg) == cgroups.end()) cgroups.push_back(cg);
    }
  }
  json t = json::array(), markers = json::array(), series = json::array();
  for (const auto& e : s.timeline) {
    if (e.kind == "step" || e.kind == "op" || e.kind == "loop" || e.kind == "interrupt" ||
        e.kind == "error") {
      markers.push_back({{"t_s", e.at_ms / 1e3}, {"kind", e.kind}, {"label", e.detail}});
    }
  }
  std::vector<const scenario::TimelineEvent*> points;
  for (const auto& e : s.timeline) {
    if (!e.iterations.empty()) points.push_back(&e);
  }
  if (points.size() < 2) return nullptr;
  for (const auto* e : points) t.push_back(e->at_ms / 1e3);
  for (const auto& cg : cgroups) {
    json y = json::array();
    for (const auto* e : points) {
      auto it = e->iterations.find(cg);
      y.push_back(it == e->iterations.end() ? json() : json(it->second));
    }
    series.push_back({{"name", cg}, {"y", std::move(y)}});
  }
  json view = {
      {"t_s", std::move(t)}, {"series", std::move(series)}, {"markers", std::move(markers)}};
  // Phase bands (step holds), only when the scenario measured them.
  if (!s.phase_stats.empty()) {
    json phases = json::array();
    for (const auto& p : s.phase_stats) {
      phases.push_back({{"name", p.name},
                        {"scheduler", p.scheduler},
                        {"start_s", p.start_ms / 1e3},
                        {"end_s", (p.start_ms + p.duration_ms) / 1e3}});
    }
    view["phases"] = std::move(phases);
  }
  return view;
}

json migrations_view(const ScenarioResult& s) {
  json labels = json::array(), values = json::array(), ratio = json::array();
  if (s.reports) {
    for (const auto& cg : *s.reports) {
      for (const auto& r : cg.reports) {
        labels.push_back(fmt::format("{}/w{}", cg.cgroup, r.worker_index));
        values.push_back(r.migration_count);
        ratio.push_back(r.iterations > 0 ? static_cast<double>(r.migration_count) /
                                               static_cast<double>(r.iterations)
                                         : 0.0);
      }
    }
  } else {
    for (const auto& c : s.stats.cgroups) {
      labels.push_back(c.name);
      values.push_back(c.migrations);
      ratio.push_back(c.migration_ratio);
    }
  }
  if (labels.empty()) return nullptr;
  return {{"per", s.reports ? "worker" : "cgroup"},
          {"labels", std::move(labels)},
          {"values", std::move(values)},
          {"per_iteration", std::move(ratio)}};
}

// "same_cpu 2.1/5.3 (n=1200); same_llc ..." or "-": the wakeup latency by
// placement (docs/workload.md "Wakeup latency").
std::string wakeup_cell(const workload::WakeupBreakdown& b) {
  std::string out;
  for (size_t p = 0; p < workload::kPlacements; ++p) {
    const auto& w = b.by_placement[p];
    if (w.count == 0) continue;
    out += fmt::format("{}{} {}/{} (n={})", out.empty() ? "" : "; ",
                       workload::placement_text(static_cast<workload::Placement>(p)),
                       format_number(static_cast<double>(w.p50_ns) / 1e3),
                       format_number(static_cast<double>(w.p99_ns) / 1e3), w.count);
  }
  return out.empty() ? "-" : out;
}

json stats_table(const ScenarioResult& s) {
  json rows = json::array();
  for (const auto& c : s.stats.cgroups) {
    const bool wake = c.wake_samples > 0;
    rows.push_back(
        {c.name, fmt::format("{}/{}", c.completed, c.workers), format_cpu_list(c.cpus_used),
         fmt::format("{} / {} / {}", format_number(c.off_cpu_pct_min),
                     format_number(c.off_cpu_pct_avg), format_number(c.off_cpu_pct_max)),
         format_number(c.spread_pct),
         c.max_gap_cpu >= 0 ? fmt::format("{} (cpu{})", format_number(c.max_gap_ms), c.max_gap_cpu)
                            : format_number(c.max_gap_ms),
         wake ? format_number(static_cast<double>(c.wake_p50_ns) / 1e3) : "-",
         wake ? format_number(static_cast<double>(c.wake_p99_ns) / 1e3) : "-",
         wakeup_cell(c.wakeup),
         fmt::format("{} ({})", c.migrations, format_number(c.migration_ratio)),
         std::to_string(c.iterations),
         c.schedstat_available ? format_number(c.run_delay_worst_ms) : "-"});
  }
  return {{"columns",
           {"cgroup", "done/workers", "CPUs used", "off-CPU % min/avg/max", "spread pp",
            "max gap ms", "wake p50 us", "wake p99 us", "wakeup p50/p99 us by placement",
            "migrations (per iter)", "iterations", "worst run delay ms"}},
          {"rows", std::move(rows)}};
}

json latency_views(const ScenarioResult& s, json& by_work_type) {
  by_work_type = nullptr;
  if (!s.reports) return latency_from_stats(s);
  std::map<std::string, std::vector<uint64_t>> by_cg, by_type;
  for (const auto& cg : *s.reports) {
    for (const auto& r : cg.reports) {
      auto& a = by_cg[cg.cgroup];
      a.insert(a.end(), r.wake_latencies_ns.begin(), r.wake_latencies_ns.end());
      auto& b = by_type[r.work_type];
      b.insert(b.end(), r.wake_latencies_ns.begin(), r.wake_latencies_ns.end());
    }
  }
  by_work_type = latency_from_samples(std::move(by_type));
  return latency_from_samples(std::move(by_cg));
}

// `--confirm`: one entry per attempt, its verdict and its line of values.
json attempts_view(const ScenarioResult& s) {
  json out = json::array();
  const auto lines = render_attempt_lines(s);
  for (size_t k = 0; k < s.attempts.size() && k < lines.size(); ++k) {
    out.push_back({{"verdict", to_string(s.attempts[k].verdict)},
                   {"text", lines[k]},
                   {"duration_ms", s.attempts[k].duration_ms}});
  }
  return out;
}

// The monitor's per-CPU heat strip and the stranded windows on it.
json monitor_view(const ScenarioResult& s) {
  const auto& m = s.monitor;
  json stranded = json::array();
  for (const auto& f : s.stranded) {
    stranded.push_back({{"from_ms", f.from_ms}, {"to_ms", f.to_ms}, {"text", f.describe()}});
  }
  return {
      {"note", fmt::format("every {:g} ms, {} samples of {} worker(s), {:.0f} us CPU per sample",
                           m.period_ms, m.samples, m.tasks, m.cost_us_per_sample)},
      {"cpus", m.cpus},
      {"t_ms", m.t_ms},
      {"idle_pct", m.idle_pct},
      {"runnable", m.runnable},
      {"stranded", std::move(stranded)}};
}

json scenario_view(const scenario::RunResult& run, const ScenarioResult& s, size_t k) {
  json checks = json::array();
  for (const auto& c : s.checks) {
    checks.push_back(
        {{"name", c.name}, {"verdict", to_string(c.verdict)}, {"text", describe_check(c)}});
  }
  json by_type;
  json by_cgroup = latency_views(s, by_type);
  json key = json::array();
  for (const auto& [name, value] : key_stats(s)) key.push_back({name, value});
  if (s.noise.level != "unknown") key.push_back({"host_noise", sched::noise_summary(s.noise)});
  return {{"id", fmt::format("s{}", k)},
          {"label", testcase_name(run, s)},
          {"name", s.name},
          {"category", s.category},
          {"description", s.description},
          {"verdict", to_string(s.verdict)},
          {"reason", s.reason},
          {"error", s.error},
          {"duration_ms", s.duration_ms},
          {"checks", std::move(checks)},
          {"key_stats", std::move(key)},
          {"cgroups", cgroup_bars(s)},
          {"latency_by_cgroup", std::move(by_cgroup)},
          {"latency_by_work_type", std::move(by_type)},
          {"timeline", timeline_view(s)},
          {"migrations", migrations_view(s)},
          {"table", stats_table(s)},
          {"noise", scenario_noise_view(s)},
          {"warnings", s.warnings}};
}

json failures_view(const scenario::RunResult& run) {
  json out = json::array();
  for (const auto& s : run.scenarios) {
    if (s.verdict != check::Verdict::kFail && s.verdict != check::Verdict::kInconclusive &&
        s.verdict != check::Verdict::kFlaky && s.error.empty()) {
      continue;
    }
    json evidence = json::array();
    for (const auto& c : s.checks) {
      if (c.verdict == check::Verdict::kFail || c.verdict == check::Verdict::kInconclusive) {
        evidence.push_back(c.name + ": " + describe_check(c));
      }
    }
    if (!s.error.empty()) evidence.push_back("error: " + s.error);
    for (const auto& line : render_attempt_lines(s)) evidence.push_back(line);
    out.push_back({{"scenario", testcase_name(run, s)},
                   {"verdict", to_string(s.verdict)},
                   {"reason", s.reason},
                   {"noise_downgraded", verdict_downgraded_by_noise(s)},
                   {"evidence", std::move(evidence)}});
  }
  return out;
}

}  // namespace

json build_html_view(const scenario::RunResult& run) {
  std::map<std::string, size_t> counts;
  for (const auto& s : run.scenarios) ++counts[std::string(to_string(s.verdict))];
  json scenarios = json::array();
  for (size_t k = 0; k < run.scenarios.size(); ++k) {
    scenarios.push_back(scenario_view(run, run.scenarios[k], k));
    if (!run.scenarios[k].attempts.empty()) {
      scenarios.back()["attempts"] = attempts_view(run.scenarios[k]);
    }
    if (!run.scenarios[k].monitor.empty() && run.scenarios[k].monitor.consistent()) {
      scenarios.back()["monitor"] = monitor_view(run.scenarios[k]);
    }
  }
  return {{"title", fmt::format("ktstr run {} on {}", run.started_at,
                                run.host.hostname.empty() ? "?" : run.host.hostname)},
          {"verdict", to_string(run.verdict)},
          {"started_at", run.started_at},
          {"duration_ms", run.duration_ms},
          {"ktstr_version", run.ktstr_version},
          {"host", run.host},
          {"counts", counts},
          {"failures", failures_view(run)},
          {"noise", run_noise_view(run)},
          {"scenarios", std::move(scenarios)}};
}

}  // namespace ktstr::report
