// Engine: from collected reports to statistics, checks and the verdict.
#include "check/evaluate.hpp"
#include "check/noise.hpp"
#include "scenario/engine_impl.hpp"

namespace ktstr::scenario::detail {
namespace {

std::string first_with(const std::vector<check::CheckResult>& checks, check::Verdict v) {
  for (const auto& c : checks) {
    if (c.verdict == v) return c.name + ": " + c.detail;
  }
  return "";
}

}  // namespace

CpuSet Engine::run_cpus() const {
  CpuSet cpus;
  for (const auto& b : batches_) {
    if (b->label == kHostLabel) return {};
  }
  for (const auto& [name, h] : allowed_) {
    if (h.unrestricted) return {};
    cpus.insert(h.cpus.begin(), h.cpus.end());
  }
  return cpus;
}

void Engine::evaluate() {
  // One input per cgroup label, in the order cgroups first got workers.
  std::vector<check::CgroupInput> inputs;
  std::map<std::string, size_t> index;
  std::map<std::string, std::set<std::string>> visited;
  for (const auto& b : batches_) {
    auto [it, fresh] = index.try_emplace(b->label, inputs.size());
    if (fresh) {
      inputs.push_back(check::CgroupInput{b->label, {}, std::nullopt, {}});
    }
    auto& in = inputs[it->second];
    for (size_t i = 0; i < b->reports.size(); ++i) {
      auto rep = b->reports[i];
      rep.worker_index = in.reports.size();
      in.reports.push_back(std::move(rep));
      in.work_group.push_back(i < b->work_group.size() ? b->work_group[i] : 0);
    }
    visited[b->label].insert(b->visited.begin(), b->visited.end());
  }
  for (auto& in : inputs) {
    if (in.name == kHostLabel) continue;
    bool unrestricted = false;
    CpuSet allowed;
    for (const auto& cg : visited[in.name]) {
      const auto& h = allowed_[cg];
      unrestricted = unrestricted || h.unrestricted;
      allowed.insert(h.cpus.begin(), h.cpus.end());
    }
    if (!unrestricted && !allowed.empty()) in.allowed_cpus = allowed;
  }
  const auto numa = check::NumaContext::from_topology(*topo_);
  for (const auto& in : inputs) r_.stats.cgroups.push_back(check::compute_cgroup_stats(in, numa));
  r_.stats.scenario = check::fold_scenario_stats(r_.stats.cgroups);
  if (o_.hooks.health) r_.scheduler = o_.hooks.health();
  const auto thresholds = check::merge_thresholds(nullptr, &s_.checks, &o_.cli_checks);
  r_.checks = check::evaluate_checks(thresholds, inputs, r_.stats.cgroups, r_.scheduler);
  check::apply_noise(r_.checks, r_.noise);
  if (o_.keep_reports) {
    std::vector<CgroupReports> raw;
    for (auto& in : inputs) raw.push_back(CgroupReports{in.name, std::move(in.reports)});
    r_.reports = std::move(raw);
  }

  r_.verdict = check::fold_verdict(r_.checks);
  if (!r_.error.empty()) {
    r_.verdict = check::Verdict::kFail;
    r_.reason = r_.error;
  } else if (r_.verdict == check::Verdict::kFail) {
    r_.reason = first_with(r_.checks, check::Verdict::kFail);
  } else if (r_.verdict == check::Verdict::kInconclusive) {
    r_.reason = first_with(r_.checks, check::Verdict::kInconclusive);
  }
  if (r_.interrupted && r_.verdict != check::Verdict::kFail) {
    r_.verdict = check::Verdict::kInconclusive;
    r_.reason = "interrupted before the scenario finished";
  }
}

}  // namespace ktstr::scenario::detail
