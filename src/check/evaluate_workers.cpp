// Checks judged worker by worker: starvation, gaps, isolation, rate floors.
#include <algorithm>

#include "check/evaluate.hpp"
#include "topology/cpuset_math.hpp"
#include "util/check.hpp"

namespace ktstr::check {
namespace {

using workload::WorkerReport;

std::string more(size_t offenders) {
  return offenders > 1 ? fmt::format(" (and {} more)", offenders - 1) : std::string();
}

// How the check's table entry words its measured value.
const std::string& evidence_of(const Threshold& t) {
  const CheckDef* def = find_check(t.name);
  KTSTR_CHECK(def != nullptr, "threshold for a check not in the table");
  return def->evidence;
}

// Per-worker floor on a rate: the lowest measured worker decides.
CheckResult rate_floor(const Threshold& t, const std::vector<CgroupInput>& in,
                       double (*rate)(const WorkerReport&), bool need_cpu) {
  CheckResult res = result_for(t);
  const WorkerReport* worst = nullptr;
  size_t below = 0, measured = 0;
  for (const auto& cg : in) {
    for (const auto& r : cg.reports) {
      if (!r.completed || r.wall_time_ns == 0 || (need_cpu && r.cpu_time_ns == 0)) continue;
      ++measured;
      const double v = rate(r);
      if (v < t.limit) ++below;
      if (worst == nullptr || v < *res.value) {
        worst = &r;
        res.value = v;
        res.cgroup = cg.name;
      }
    }
  }
  if (measured == 0) {
    res.verdict = Verdict::kInconclusive;
    res.detail = "no worker completed with a measurable run time";
    return res;
  }
  res.verdict = below > 0 ? Verdict::kFail : Verdict::kPass;
  res.detail =
      fmt::format("cgroup {}: {} {} {:.1f}/s {} {:g}/s{}", res.cgroup, describe_worker(*worst),
                  evidence_of(t), *res.value, below ? "<" : ">=", t.limit,
                  below ? fmt::format(" ({} of {} workers below)", below, measured) : "");
  return res;
}

}  // namespace

std::string describe_worker(const WorkerReport& r) {
  return fmt::format("worker {} (tid {})", r.worker_index, r.tid);
}

CheckResult check_not_starved(const Threshold& t, const std::vector<CgroupInput>& in) {
  CheckResult res = result_for(t);
  size_t workers = 0, starved = 0;
  std::string first;
  for (const auto& cg : in) {
    for (const auto& r : cg.reports) {
      ++workers;
      if (r.work_units != 0) continue;
      if (starved++ == 0) {
        res.cgroup = cg.name;
        first = fmt::format("cgroup {}: {} ({}) did 0 work units", cg.name, describe_worker(r),
                            r.work_type);
        if (r.exit_info) first += ": " + workload::to_string(*r.exit_info);
      }
    }
  }
  res.value = static_cast<double>(starved);
  if (workers == 0) {
    res.verdict = Verdict::kInconclusive;
    res.detail = "no workers ran";
  } else if (starved > 0) {
    res.verdict = Verdict::kFail;
    res.detail = first + more(starved);
  } else {
    res.detail = fmt::format("all {} workers made progress", workers);
  }
  return res;
}

CheckResult check_max_gap(const Threshold& t, const std::vector<CgroupInput>& in) {
  CheckResult res = result_for(t);
  const WorkerReport* worst = nullptr;
  size_t over = 0, measured = 0;
  for (const auto& cg : in) {
    for (const auto& r : cg.reports) {
      if (!r.completed) continue;
      ++measured;
      if (r.max_gap_ms > t.limit) ++over;
      if (worst == nullptr || r.max_gap_ms > worst->max_gap_ms) {
        worst = &r;
        res.cgroup = cg.name;
      }
    }
  }
  if (worst == nullptr) {
    res.verdict = Verdict::kInconclusive;
    res.detail = "no worker completed";
    return res;
  }
  res.value = worst->max_gap_ms;
  res.verdict = over > 0 ? Verdict::kFail : Verdict::kPass;
  res.detail = fmt::format("cgroup {}: {} {} {:.0f}ms on cpu{} at +{:.0f}ms {} {:g}ms{}",
                           res.cgroup, describe_worker(*worst), evidence_of(t), worst->max_gap_ms,
                           worst->max_gap_cpu, worst->max_gap_at_ms, over ? ">" : "<=", t.limit,
                           over ? fmt::format(" ({} of {} workers over)", over, measured) : "");
  return res;
}

CheckResult check_isolation(const Threshold& t, const std::vector<CgroupInput>& in) {
  CheckResult res = result_for(t);
  size_t checked = 0, leaking = 0;
  std::string first;
  for (const auto& cg : in) {
    if (!cg.allowed_cpus) continue;
    for (const auto& r : cg.reports) {
      ++checked;
      CpuSet outside = topo::subtract(r.cpus_used, *cg.allowed_cpus);
      if (outside.empty()) continue;
      if (leaking++ == 0) {
        res.cgroup = cg.name;
        first = fmt::format("cgroup {}: {} ran on cpu {} outside its cpuset {}", cg.name,
                            describe_worker(r), format_cpu_list(outside),
                            format_cpu_list(*cg.allowed_cpus));
      }
    }
  }
  res.value = static_cast<double>(leaking);
  if (checked == 0) {
    res.verdict = Verdict::kSkip;
    res.detail = "no cgroup with a cpuset has workers";
  } else if (leaking > 0) {
    res.verdict = Verdict::kFail;
    res.detail = first + more(leaking);
  } else {
    res.detail = fmt::format("all {} workers stayed inside their cgroup's cpuset", checked);
  }
  return res;
}

CheckResult check_min_work_rate(const Threshold& t, const std::vector<CgroupInput>& in) {
  return rate_floor(t, in, work_rate_per_cpu_s, true);
}

CheckResult check_min_iteration_rate(const Threshold& t, const std::vector<CgroupInput>& in) {
  return rate_floor(t, in, iteration_rate_per_s, false);
}

}  // namespace ktstr::check
