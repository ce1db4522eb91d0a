#include "report/compare.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "scenario/fingerprint.hpp"
#include "util/file_io.hpp"
#include "util/input_file.hpp"

namespace ktstr::report {

std::string_view to_string(MetricStatus s) {
  switch (s) {
    case MetricStatus::kRegression:
      return "regression";
    case MetricStatus::kImprovement:
      return "improvement";
    case MetricStatus::kUnchanged:
      return "unchanged";
    case MetricStatus::kBelowMinEffect:
      return "below_min_effect";
    case MetricStatus::kNoData:
      return "no_data";
  }
  return "no_data";
}

Result<CompareInput> parse_compare_input(const std::string& path, const std::string& text) {
  auto run = scenario::parse_run_result(text);
  if (!run) return unexpected(with_context(run.error(), path));
  CompareInput in{path, std::move(*run), {}};
  // Topology per scenario is optional and not part of the model yet: read
  // it from the document directly so pairing works once writers add it.
  auto j = nlohmann::json::parse(text, nullptr, false);
  const auto it = j.find("scenarios");
  if (it == j.end() || !it->is_array()) {
    return invalid_input(fmt::format("{}: field 'scenarios' is missing or not an array", path));
  }
  for (const auto& s : *it) {
    const auto t = s.find("topology");
    in.scenario_topology.push_back(t != s.end() && t->is_string() ? t->get<std::string>() : "");
  }
  return in;
}

Result<CompareInput> load_compare_input(const std::string& path) {
  auto text = read_input_file(path, kResultFileMaxBytes, "run document");
  if (!text) return unexpected(text.error());
  return parse_compare_input(path, *text);
}

namespace {

struct Group {
  std::string name, topology;
  std::vector<const scenario::ScenarioResult*> measured;
  size_t skipped = 0;
};

std::string group_key(const std::string& name, const std::string& topology) {
  return topology.empty() ? name : name + " @ " + topology;
}

// Groups in first-appearance order (the run's scenario order).
std::vector<Group> group_scenarios(const CompareInput& in) {
  std::vector<Group> groups;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < in.run.scenarios.size(); ++i) {
    const auto& s = in.run.scenarios[i];
    const std::string& topo = in.scenario_topology[i];
    auto [it, fresh] = index.emplace(group_key(s.name, topo), groups.size());
    if (fresh) groups.push_back({s.name, topo, {}, 0});
    Group& g = groups[it->second];
    const bool measured = s.verdict != check::Verdict::kSkip && !s.error_kind;
    if (measured) {
      g.measured.push_back(&s);
    } else {
      ++g.skipped;
    }
  }
  return groups;
}

std::vector<double> values_of(const MetricDef& m, const Group& g) {
  std::vector<double> out;
  for (const auto* s : g.measured) {
    if (auto v = m.extract(*s)) out.push_back(*v);
  }
  return out;
}

// The statistics of one metric; the status is decided over the whole
// family afterwards (decide_compare).
MetricComparison compare_metric(const MetricDef& def, const MinEffect& min_effect, const Group& a,
                                const Group& b, const CompareOptions& opts) {
  MetricComparison mc;
  mc.metric = def.name;
  mc.unit = def.unit;
  mc.better = def.better;
  mc.min_effect = min_effect;
  mc.a = values_of(def, a);
  mc.b = values_of(def, b);
  if (mc.a.empty() || mc.b.empty()) return mc;
  mc.mean_a = mean(mc.a);
  mc.mean_b = mean(mc.b);
  mc.diff = mc.mean_b - mc.mean_a;
  if (mc.mean_a != 0) mc.rel_diff_pct = mc.diff / std::fabs(mc.mean_a) * 100;
  mc.ci = bootstrap_mean_diff_ci(mc.a, mc.b, opts.alpha, opts.resamples);
  mc.shift = hodges_lehmann(mc.a, mc.b);
  mc.shift_ci = bootstrap_hodges_lehmann_ci(mc.a, mc.b, opts.alpha, opts.resamples);
  const MannWhitney mw = mann_whitney(mc.a, mc.b);
  mc.exact = mw.exact;
  mc.p_two_sided = mw.p_two_sided;
  const bool lower_better = def.better == Better::kLower;
  mc.p_worse = lower_better ? mw.p_greater : mw.p_less;
  mc.p_better = lower_better ? mw.p_less : mw.p_greater;
  mc.status = MetricStatus::kUnchanged;
  return mc;
}

Result<std::vector<const MetricDef*>> selected_metrics(const CompareOptions& opts) {
  std::vector<const MetricDef*> out;
  if (opts.metrics.empty()) {
    for (const auto& m : metric_catalogue()) out.push_back(&m);
    return out;
  }
  for (const auto& name : opts.metrics) {
    if (is_payload_metric(name)) continue;  // per scenario, from its results
    const MetricDef* m = find_metric(name);
    if (!m) {
      return invalid_input(fmt::format("unknown metric '{}' (known: {})", name, metric_names()),
                           "--metric");
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace

Result<CompareReport> compare_runs(const CompareInput& a, const CompareInput& b,
                                   const CompareOptions& opts) {
  if (!(opts.alpha > 0 && opts.alpha <= 0.5)) {
    return invalid_input(fmt::format("alpha {} is outside (0, 0.5]", opts.alpha), "--alpha");
  }
  auto metrics = selected_metrics(opts);
  if (!metrics) return unexpected(metrics.error());
  for (const auto& [name, effect] : opts.min_effects) {
    if (!find_metric(name) && !is_payload_metric(name)) {
      return invalid_input(fmt::format("unknown metric '{}' (known: {})", name, metric_names()),
                           "--min-effect");
    }
  }
  CompareReport rep;
  auto fingerprints = scenario::diff_fingerprints(a.run.fingerprint, b.run.fingerprint);
  if (!fingerprints.definition_mismatches.empty() && !opts.force) {
    return invalid_input(fmt::format(
        "scenario definition differs between {} and {}: {} (its file, --duration or --check "
        "changed); these runs are not comparable; --force compares anyway",
        a.path, b.path, fmt::join(fingerprints.definition_mismatches, ", ")));
  }
  rep.fingerprint_warnings = std::move(fingerprints.warnings);
  rep.definition_mismatches = std::move(fingerprints.definition_mismatches);
  rep.a_path = a.path;
  rep.b_path = b.path;
  rep.alpha = opts.alpha;
  rep.resamples = opts.resamples;
  const auto groups_a = group_scenarios(a);
  const auto groups_b = group_scenarios(b);
  for (const auto& ga : groups_a) {
    const Group* gb = nullptr;
    for (const auto& g : groups_b) {
      if (g.name == ga.name && g.topology == ga.topology) gb = &g;
    }
    if (!gb) {
      rep.only_in_a.push_back(group_key(ga.name, ga.topology));
      continue;
    }
    ScenarioComparison sc{ga.name,
                          ga.topology,
                          ga.measured.size(),
                          gb->measured.size(),
                          ga.skipped,
                          gb->skipped,
                          smallest_one_sided_p(ga.measured.size(), gb->measured.size()),
                          {}};
    auto measured = ga.measured;
    measured.insert(measured.end(), gb->measured.begin(), gb->measured.end());
    const auto payload_defs = payload_metric_defs(measured);
    auto scenario_metrics = *metrics;
    for (const auto& d : payload_defs) {
      if (opts.metrics.empty() ||
          std::find(opts.metrics.begin(), opts.metrics.end(), d.name) != opts.metrics.end()) {
        scenario_metrics.push_back(&d);
      }
    }
    for (const MetricDef* m : scenario_metrics) {
      auto over = opts.min_effects.find(m->name);
      const MinEffect effect = over != opts.min_effects.end() ? over->second : m->min_effect;
      MetricComparison mc = compare_metric(*m, effect, ga, *gb, opts);
      if (opts.metrics.empty() && mc.a.empty() && mc.b.empty()) {
        continue;  // measured by neither side: not worth a row unless asked for
      }
      sc.metrics.push_back(std::move(mc));
    }
    rep.scenarios.push_back(std::move(sc));
  }
  for (const auto& gb : groups_b) {
    bool paired = false;
    for (const auto& ga : groups_a) paired |= ga.name == gb.name && ga.topology == gb.topology;
    if (!paired) rep.only_in_b.push_back(group_key(gb.name, gb.topology));
  }
  decide_compare(rep, opts);
  return rep;
}

}  // namespace ktstr::report
