// Engine: from collected reports to statistics, checks and the verdict, and
// where the wall time went (phases, overrun warnings).
#include <fmt/format.h>

#include "check/evaluate.hpp"
#include "check/expect.hpp"
#include "check/noise.hpp"
#include "scenario/engine_impl.hpp"

namespace ktstr::scenario::detail {
namespace {

std::string first_with(const std::vector<check::CheckResult>& checks, check::Verdict v) {
  for (const auto& c : checks) {
    // One line: evidence with an output tail keeps only its first line here.
    if (c.verdict == v) return c.name + ": " + c.detail.substr(0, c.detail.find('\n'));
  }
  return "";
}

double ms_between(uint64_t from_ns, uint64_t to_ns) {
  return from_ns != 0 && to_ns > from_ns ? static_cast<double>(to_ns - from_ns) / 1e6 : 0;
}

// A run phase more than 20 % over the plan, or setup + collection +
// teardown above 20 % of it (and above 1 s, so short test scenarios on a
// busy host stay quiet), is worth a warning with its measured causes.
constexpr double kOverrunRatio = 0.2;
constexpr double kOutsideFloorMs = 1000;

}  // namespace

void Engine::note_phases() {
  auto& p = r_.phases;
  const uint64_t collect_start = run_end_ns_;
  p.setup_ms = ms_between(t0_ns_, released_ns_ != 0 ? released_ns_ : collect_start);
  p.run_ms = ms_between(released_ns_, run_end_ns_);
  p.ops_ms = static_cast<double>(ops_ns_) / 1e6;
  p.collect_ms = ms_between(collect_start, collect_end_ns_);
  p.teardown_ms = ms_between(collect_end_ns_, teardown_end_ns_);
  if (run_delay_start_ns_ && run_delay_end_ns_ && *run_delay_end_ns_ >= *run_delay_start_ns_) {
    p.control_run_delay_ms = static_cast<double>(*run_delay_end_ns_ - *run_delay_start_ns_) / 1e6;
  }
  const double plan = r_.planned_duration_ms;
  if (r_.interrupted || !r_.error.empty() || plan <= 0 || released_ns_ == 0) return;
  const double outside = p.setup_ms + p.collect_ms + p.teardown_ms;
  const bool run_over = p.run_ms > (1 + kOverrunRatio) * plan;
  const bool outside_over = outside > std::max(kOverrunRatio * plan, kOutsideFloorMs);
  if (!run_over && !outside_over) return;
  const std::string w = fmt::format(
      "overrun: {} for a planned {:.2f}s: run phase {:.2f}s ({:+.0f} %; ops and liveness {:.0f} "
      "ms, control thread waited {:.0f} ms for a CPU at {}), setup {:.0f} ms, collection {:.0f} "
      "ms, teardown {:.0f} ms",
      run_over ? "the run phase overran" : "setup and collection took long", plan / 1000,
      p.run_ms / 1000, (p.run_ms / plan - 1) * 100, p.ops_ms, p.control_run_delay_ms,
      p.control_priority.empty() ? "normal priority" : p.control_priority, p.setup_ms, p.collect_ms,
      p.teardown_ms);
  r_.warnings.push_back(w);
  event("warning", w);
}

void Engine::evaluate_phases(const std::vector<workload::WorkerReport>& all_reports) {
  r_.phase_stats = split_phases(phase_windows_, all_reports, t0_ns_);
  for (const auto& c : s_.relative_checks) {
    r_.checks.push_back(check::evaluate_relative(c, r_.phase_stats));
  }
}

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
  r_.checks = check::evaluate_checks(thresholds, inputs, r_.stats.cgroups, r_.scheduler,
                                     monitor_findings(thresholds));
  if (batches_.empty() && !r_.payloads.empty()) {
    // Payloads instead of workers: worker checks have nothing to judge.
    std::erase_if(r_.checks,
                  [](const auto& c) { return c.verdict == check::Verdict::kInconclusive; });
  }
  for (auto& c : check::evaluate_payload_checks(s_.payload_checks, r_.payloads)) {
    r_.checks.push_back(std::move(c));
  }
  std::vector<workload::WorkerReport> all_reports;
  for (const auto& in : inputs)
    all_reports.insert(all_reports.end(), in.reports.begin(), in.reports.end());
  evaluate_phases(all_reports);
  if (!o_.ignore_noise) check::apply_noise(r_.checks, r_.noise);
  check::apply_expectation({s_.expect_scheduler_error, s_.expect_stall}, r_.scheduler, r_.checks);
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
