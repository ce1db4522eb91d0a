#include "gauntlet/plan.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scenario/catalogue.hpp"
#include "util/duration.hpp"
#include "util/suggest.hpp"

namespace ktstr::gauntlet {
namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string part = text.substr(start, comma - start);
    if (!part.empty()) out.push_back(part);
    start = comma + 1;
  }
  return out;
}

Result<uint64_t> duration_flag_ns(const std::string& text, const char* flag) {
  if (text.empty()) return uint64_t{0};
  auto ns = parse_duration_ns(text);
  if (!ns) return unexpected(with_context(ns.error(), flag));
  return *ns;
}

Result<JobAxes> build_axes(const GauntletOptions& o) {
  JobAxes axes;
  auto scenarios = scenario::select_scenarios(o.scenarios, o.filter);
  if (!scenarios) return unexpected(scenarios.error());
  if (scenarios->empty()) {
    return invalid_input("no scenario selected; `ktstr list scenarios` shows them", "SCENARIOS");
  }
  axes.scenarios = std::move(*scenarios);
  auto presets = parse_preset_list(o.presets);
  if (!presets) return unexpected(presets.error());
  axes.presets = std::move(*presets);
  axes.schedulers = o.schedulers.empty() ? std::vector<std::string>{"eevdf"} : o.schedulers;
  axes.kernels = o.kernels.empty() ? std::vector<std::string>{"auto"} : o.kernels;
  auto duration = duration_flag_ns(o.duration, "--duration");
  if (!duration) return unexpected(duration.error());
  axes.duration_override_ns = *duration;
  return axes;
}

}  // namespace

Result<std::vector<topo::Preset>> parse_preset_list(const std::string& text) {
  if (text == "all") return topo::presets();
  std::vector<topo::Preset> out;
  for (const auto& name : split_commas(text)) {
    const auto* p = topo::find_preset(name);
    if (p == nullptr) {
      return invalid_input(fmt::format("unknown preset '{}'{}; `ktstr list presets` shows them, "
                                       "or use all",
                                       name, did_you_mean(name, topo::preset_names())),
                           "--presets");
    }
    bool dup = false;
    for (const auto& q : out) dup |= q.name == p->name;
    if (!dup) out.push_back(*p);
  }
  if (out.empty()) return invalid_input("no preset given; name some or use all", "--presets");
  return out;
}

Result<GauntletPlan> plan_gauntlet(const GauntletOptions& o, const EnvLookup& env,
                                   const CostModel& cost) {
  auto axes = build_axes(o);
  if (!axes) return unexpected(axes.error());
  auto budget_ns = duration_flag_ns(o.budget, "--budget");
  if (!budget_ns) return unexpected(budget_ns.error());
  auto shard = resolve_shard(o.shard, o.shard_total, env);
  if (!shard) return unexpected(shard.error());
  GauntletPlan plan;
  plan.scenario_count = axes->scenarios.size();
  plan.preset_count = axes->presets.size();
  for (const auto& s : axes->scenarios) plan.axes.scenarios.push_back(s.name);
  for (const auto& p : axes->presets) plan.axes.presets.push_back(p.name);
  plan.axes.schedulers = axes->schedulers;
  plan.axes.kernels = axes->kernels;
  plan.matrix = expand_jobs(*axes, cost);
  plan.shard = *shard;
  // Budget first, then shards: every shard computes the same subset.
  std::vector<Job> chosen = plan.matrix.jobs;
  std::vector<size_t> chosen_index(chosen.size());
  for (size_t i = 0; i < chosen_index.size(); ++i) chosen_index[i] = i;
  if (*budget_ns != 0) {
    plan.budget_ms = *budget_ns / 1000000;
    plan.budget = select_within_budget(plan.matrix.jobs, plan.budget_ms, o.seed);
    chosen.clear();
    chosen_index = plan.budget->picked;
    for (size_t i : chosen_index) chosen.push_back(plan.matrix.jobs[i]);
  }
  auto parts = partition_jobs(chosen, plan.shard.total);
  for (size_t k : parts[static_cast<size_t>(plan.shard.index)]) {
    plan.mine.push_back(chosen_index[k]);
    plan.estimate_ms += chosen[k].estimate_ms;
  }
  return plan;
}

}  // namespace ktstr::gauntlet
