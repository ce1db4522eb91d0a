// Check evaluation: thresholds + per-cgroup inputs + scheduler health ->
// one CheckResult per enabled check, in check-table order, with the evidence
// a reader needs (which cgroup, which worker and tid, which CPU, when). Each
// check's evaluator is named in its table entry (table.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "check/stats.hpp"
#include "check/stranded.hpp"
#include "check/thresholds.hpp"
#include "check/verdict.hpp"
#include "sched/health.hpp"

namespace ktstr::check {

struct CheckResult {
  std::string name;
  Verdict verdict = Verdict::kPass;
  std::optional<double> value;      // the worst measured value; nullopt = not measured
  std::optional<double> threshold;  // the limit; nullopt for on/off checks
  ThresholdSource source = ThresholdSource::kDefault;
  std::string cgroup;  // where the worst value was; "" = scenario-wide
  std::string detail;  // evidence, e.g. "worker 3 (tid 812) max gap 3500ms on cpu1 ..."
  bool noise_inconclusive = false;  // failed, but host noise was high (check/noise.hpp)
  // Relative checks (relative.hpp): the compared phase's and the baseline
  // phase's values (value is then their ratio); unset for other checks.
  std::optional<double> phase_value, baseline_value;
};

// What an evaluator judges; references into the caller's data.
struct CheckInputs {
  const std::vector<CgroupInput>& cgroups;
  const std::vector<CgroupStats>& stats;  // stats[i] = compute_cgroup_stats(cgroups[i])
  const sched::SchedulerHealth& health;
  // The stranded-task detector's findings; nullptr = the monitor did not
  // take enough samples to judge (check/stranded.hpp).
  const std::vector<StrandedFinding>* stranded = nullptr;
};

// `inputs` and `stats` are parallel (stats[i] = compute_cgroup_stats(inputs[i])).
// Disabled checks produce no result.
std::vector<CheckResult> evaluate_checks(const Thresholds& thresholds,
                                         const std::vector<CgroupInput>& inputs,
                                         const std::vector<CgroupStats>& stats,
                                         const sched::SchedulerHealth& health,
                                         const std::vector<StrandedFinding>* stranded = nullptr);

// The individual checks (exposed for tests).
// A result named after `t`, with its source and (for limits) its threshold.
CheckResult result_for(const Threshold& t);

CheckResult check_not_starved(const Threshold& t, const std::vector<CgroupInput>& in);
CheckResult check_max_gap(const Threshold& t, const std::vector<CgroupInput>& in);
CheckResult check_isolation(const Threshold& t, const std::vector<CgroupInput>& in);
CheckResult check_min_work_rate(const Threshold& t, const std::vector<CgroupInput>& in);
CheckResult check_min_iteration_rate(const Threshold& t, const std::vector<CgroupInput>& in);
// Checks on one number per cgroup (spread, CVs, p99, migration ratio, NUMA):
// the value is the table entry's cgroup_value, worded as its evidence.
CheckResult check_cgroup_metric(const Threshold& t, const std::vector<CgroupStats>& stats);
CheckResult check_scheduler_alive(const Threshold& t, const sched::SchedulerHealth& h);
CheckResult check_scheduler_clean_exit(const Threshold& t, const sched::SchedulerHealth& h);

// Worst verdict of a set of results (pass when empty); skips do not count
// against a run.
Verdict fold_verdict(const std::vector<CheckResult>& results);

// "worker 3 (tid 812)"
std::string describe_worker(const workload::WorkerReport& r);

void to_json(nlohmann::json& j, const CheckResult& r);
void from_json(const nlohmann::json& j, CheckResult& r);

}  // namespace ktstr::check
