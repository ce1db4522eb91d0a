// The HTML report's host noise (docs/reports.md "HTML"): per scenario the
// "host noise: ..." line, its measures, the checks it made inconclusive and
// the band it covers on the timeline; per run a chart of every scenario's
// measures as shares of wall time, beside the bounds that make noise high.
#include <algorithm>

#include <fmt/format.h>

#include "report/html.hpp"
#include "report/junit.hpp"

namespace ktstr::report {

using nlohmann::json;
using scenario::ScenarioResult;

namespace {

json opt(const std::optional<double>& v) {
  return v ? json(*v) : json();
}

// The measures as percentages of the measured wall time (or CPUs), so one
// y axis holds them all; null where the system had no such counter.
struct NoisePercents {
  json outside_load, outside_bound, steal, psi_some, psi_full, run_delay, dilation;
};

NoisePercents percents(const sched::NoiseReport& n) {
  NoisePercents p;
  const auto cpus = static_cast<double>(n.cpus);
  if (n.outside_load_cpus && n.cpus > 0) {
    p.outside_load = 100 * *n.outside_load_cpus / cpus;
    p.outside_bound = 100 * sched::outside_load_bound(n.cpus) / cpus;
  }
  p.steal = opt(n.steal_pct);
  p.psi_some = opt(n.psi_some_pct);
  p.psi_full = opt(n.psi_full_pct);
  if (n.harness_run_delay_ms && n.wall_ms > 0) {
    p.run_delay = 100 * *n.harness_run_delay_ms / n.wall_ms;
  }
  if (n.vcpu_dilation) p.dilation = 100 * (*n.vcpu_dilation - 1);
  return p;
}

std::vector<std::string> noise_downgraded_checks(const ScenarioResult& s) {
  std::vector<std::string> out;
  for (const auto& c : s.checks) {
    if (c.noise_inconclusive) out.push_back(c.name);
  }
  return out;
}

}  // namespace

bool verdict_downgraded_by_noise(const ScenarioResult& s) {
  return s.verdict == check::Verdict::kInconclusive && !noise_downgraded_checks(s).empty();
}

json scenario_noise_view(const ScenarioResult& s) {
  const auto& n = s.noise;
  if (n.level == "unknown" && !n.outside_load_cpus && !n.psi_some_pct) return nullptr;
  // The engine takes the last snapshot just before its "stop" event.
  double to_s = n.wall_ms / 1e3;
  for (const auto& e : s.timeline) {
    if (e.kind == "stop") to_s = e.at_ms / 1e3;
  }
  const auto checks = noise_downgraded_checks(s);
  return {
      {"level", n.level},
      {"summary", "host noise: " + sched::noise_summary(n)},
      {"why", n.why},
      {"downgraded_checks", checks},
      {"verdict_downgraded", verdict_downgraded_by_noise(s)},
      {"outside_load_cpus", opt(n.outside_load_cpus)},
      {"outside_load_bound_cpus", n.cpus > 0 ? json(sched::outside_load_bound(n.cpus)) : json()},
      {"cpus", n.cpus},
      {"psi_some_pct", opt(n.psi_some_pct)},
      {"psi_full_pct", opt(n.psi_full_pct)},
      {"steal_pct", opt(n.steal_pct)},
      {"harness_run_delay_ms", opt(n.harness_run_delay_ms)},
      {"vcpu_dilation", opt(n.vcpu_dilation)},
      {"band", {{"from_s", std::max(0.0, to_s - n.wall_ms / 1e3)}, {"to_s", to_s}}}};
}

json run_noise_view(const scenario::RunResult& run) {
  json labels = json::array(), downgraded = json::array();
  std::vector<NoisePercents> rows;
  for (const auto& s : run.scenarios) {
    if (s.noise.level == "unknown" && !s.noise.outside_load_cpus) continue;
    labels.push_back(testcase_name(run, s));
    downgraded.push_back(verdict_downgraded_by_noise(s));
    rows.push_back(percents(s.noise));
  }
  const bool whole = run.noise.level != "unknown";
  if (rows.empty() && !whole) return nullptr;
  if (whole) {
    labels.push_back("whole run");
    downgraded.push_back(false);
    rows.push_back(percents(run.noise));
  }
  auto column = [&](json NoisePercents::*field) {
    json v = json::array();
    for (const auto& r : rows) v.push_back(r.*field);
    return v;
  };
  json steal_bound = json::array(), dilation_bound = json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    steal_bound.push_back(sched::kNoiseBounds.steal_pct);
    dilation_bound.push_back(100 * (sched::kNoiseBounds.vcpu_dilation - 1));
  }
  const bool any_dilation = std::any_of(
      rows.begin(), rows.end(), [](const NoisePercents& r) { return !r.dilation.is_null(); });
  json series = json::array({
      {{"name", "outside load (% of CPUs)"},
       {"kind", "measure"},
       {"values", column(&NoisePercents::outside_load)}},
      {{"name", "steal %"}, {"kind", "measure"}, {"values", column(&NoisePercents::steal)}},
      {{"name", "PSI some %"}, {"kind", "measure"}, {"values", column(&NoisePercents::psi_some)}},
      {{"name", "PSI full %"}, {"kind", "measure"}, {"values", column(&NoisePercents::psi_full)}},
      {{"name", "harness run delay (% of wall)"},
       {"kind", "measure"},
       {"values", column(&NoisePercents::run_delay)}},
      {{"name", "outside-load bound"},
       {"kind", "bound"},
       {"values", column(&NoisePercents::outside_bound)}},
      {{"name", "steal bound"}, {"kind", "bound"}, {"values", std::move(steal_bound)}},
  });
  if (any_dilation) {
    series.push_back({{"name", "vCPU dilation - 1 (%)"},
                      {"kind", "measure"},
                      {"values", column(&NoisePercents::dilation)}});
    series.push_back(
        {{"name", "dilation bound"}, {"kind", "bound"}, {"values", std::move(dilation_bound)}});
  }
  return {{"labels", std::move(labels)},
          {"verdict_downgraded", std::move(downgraded)},
          {"series", std::move(series)},
          {"run_level", run.noise.level},
          {"run_summary",
           whole ? "host noise over the run: " + sched::noise_summary(run.noise) : std::string()}};
}

}  // namespace ktstr::report
