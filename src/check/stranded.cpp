#include "check/stranded.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "check/evaluate.hpp"

namespace ktstr::check {
namespace {

using sched::MonitorSample;
using sched::MonitorTimeline;
using sched::TaskSample;

// Per task, its sample at every sample index (nullptr = not followed then).
std::vector<std::vector<const TaskSample*>> by_task(const MonitorTimeline& tl) {
  std::vector<std::vector<const TaskSample*>> out(
      tl.tasks.size(), std::vector<const TaskSample*>(tl.samples.size(), nullptr));
  for (size_t k = 0; k < tl.samples.size(); ++k) {
    for (const auto& t : tl.samples[k].tasks) {
      if (t.task < out.size()) out[t.task][k] = &t;
    }
  }
  return out;
}

double ms(uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

// Ticks of `cpu` between samples a and b: {idle, all}.
std::pair<double, double> ticks(const MonitorTimeline& tl, size_t a, size_t b, int cpu) {
  const auto& x = tl.samples[a].cpus;
  const auto& y = tl.samples[b].cpus;
  auto i = x.find(cpu);
  auto j = y.find(cpu);
  if (i == x.end() || j == y.end()) return {0, 0};
  auto d = [](uint64_t p, uint64_t q) { return q > p ? static_cast<double>(q - p) : 0.0; };
  const double idle = d(i->second.idle, j->second.idle);
  return {idle, idle + d(i->second.busy, j->second.busy) + d(i->second.steal, j->second.steal)};
}

bool idle_over(const MonitorTimeline& tl, size_t a, size_t b, int cpu, double fraction) {
  auto [idle, all] = ticks(tl, a, b, cpu);
  return all > 0 && idle >= fraction * all;
}

// The longest [i, j] inside [a, e] (sample indices) over which `cpu` was
// idle for at least `f` of its ticks: the longest run of intervals whose
// sum of (idle - f * all) is >= 0, by prefix sums and a search over the
// strictly decreasing prefix minima.
std::pair<size_t, size_t> longest_idle(const MonitorTimeline& tl, size_t a, size_t e, int cpu,
                                       double f) {
  std::vector<double> prefix{0};
  for (size_t k = a; k < e; ++k) {
    auto [idle, all] = ticks(tl, k, k + 1, cpu);
    prefix.push_back(prefix.back() + idle - f * all);
  }
  std::vector<size_t> minima;  // indices into prefix, prefix strictly decreasing
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (minima.empty() || prefix[i] < prefix[minima.back()]) minima.push_back(i);
  }
  std::pair<size_t, size_t> best{a, a};
  for (size_t j = 1; j < prefix.size(); ++j) {
    // First minimum with prefix <= prefix[j] (minima decrease).
    auto it = std::partition_point(minima.begin(), minima.end(),
                                   [&](size_t i) { return prefix[i] > prefix[j]; });
    if (it == minima.end() || *it >= j) continue;
    if (j - *it <= best.second - best.first) continue;
    if (ticks(tl, a + *it, a + j, cpu).second > 0) best = {a + *it, a + j};
  }
  return best;
}

struct Streak {
  size_t a = 0, e = 0;  // sample indices, inclusive
};

// Maximal runs of samples where the task is R and did not run in between.
std::vector<Streak> streaks(const MonitorTimeline& tl, const std::vector<const TaskSample*>& ts,
                            double max_run_fraction) {
  std::vector<Streak> out;
  const size_t n = ts.size();
  for (size_t k = 0; k < n;) {
    if (ts[k] == nullptr || ts[k]->state != 'R') {
      ++k;
      continue;
    }
    size_t e = k;
    while (e + 1 < n && ts[e + 1] != nullptr && ts[e + 1]->state == 'R') {
      const double dt = static_cast<double>(tl.samples[e + 1].t_ns - tl.samples[e].t_ns);
      const double ran =
          static_cast<double>(ts[e + 1]->exec_ns - std::min(ts[e]->exec_ns, ts[e + 1]->exec_ns));
      if (ran > max_run_fraction * dt) break;
      ++e;
    }
    if (e > k) out.push_back({k, e});
    k = e + 1;
  }
  return out;
}

CpuSet allowed_over(const MonitorTimeline& tl, const std::vector<const TaskSample*>& ts, size_t a,
                    size_t e) {
  CpuSet out = tl.masks.at(ts[a]->mask);
  for (size_t k = a + 1; k <= e; ++k) {
    const CpuSet& m = tl.masks.at(ts[k]->mask);
    CpuSet keep;
    std::set_intersection(out.begin(), out.end(), m.begin(), m.end(),
                          std::inserter(keep, keep.begin()));
    out = std::move(keep);
  }
  return out;
}

StrandedFinding make_finding(const MonitorTimeline& tl, const std::vector<const TaskSample*>& ts,
                             size_t i, size_t j, const CpuSet& allowed, double f) {
  const auto& task = tl.tasks[ts[i]->task];
  StrandedFinding out{.group = task.group, .worker = task.worker, .tid = task.tid};
  out.from_ms = ms(tl.samples[i].t_ns);
  out.to_ms = ms(tl.samples[j].t_ns);
  out.samples = j - i + 1;
  out.allowed_cpus = format_cpu_list(allowed);
  out.idle_pct = 100;
  for (int c : allowed) {
    if (!idle_over(tl, i, j, c, f)) continue;
    out.idle_cpus.push_back(c);
    auto [idle, all] = ticks(tl, i, j, c);
    out.idle_pct = std::min(out.idle_pct, 100 * idle / all);
  }
  out.ran_ms = ms(ts[j]->exec_ns - std::min(ts[i]->exec_ns, ts[j]->exec_ns));
  out.run_delay_ms = ms(ts[j]->run_delay_ns - std::min(ts[i]->run_delay_ns, ts[j]->run_delay_ns));
  out.sched_ext = true;
  for (size_t k = i; k <= j; ++k) {
    const MonitorSample& s = tl.samples[k];
    out.sched_ext = out.sched_ext && s.scx_state == "enabled" && !s.scx_ops.empty();
  }
  if (out.sched_ext) out.ops = tl.samples[i].scx_ops;
  return out;
}

}  // namespace

std::vector<StrandedFinding> find_stranded(const MonitorTimeline& tl, const StrandedOptions& o) {
  std::vector<StrandedFinding> out;
  const auto per_task = by_task(tl);
  for (const auto& ts : per_task) {
    for (const Streak& st : streaks(tl, ts, o.max_run_fraction)) {
      const double span = ms(tl.samples[st.e].t_ns - tl.samples[st.a].t_ns);
      if (span < o.bound_ms) continue;
      const CpuSet allowed = allowed_over(tl, ts, st.a, st.e);
      std::pair<size_t, size_t> best{st.a, st.a};
      for (int c : allowed) {
        auto w = longest_idle(tl, st.a, st.e, c, o.min_idle_fraction);
        if (w.second - w.first > best.second - best.first) best = w;
      }
      if (best.second == best.first) continue;
      if (ms(tl.samples[best.second].t_ns - tl.samples[best.first].t_ns) < o.bound_ms) continue;
      out.push_back(make_finding(tl, ts, best.first, best.second, allowed, o.min_idle_fraction));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.window_ms() > y.window_ms(); });
  return out;
}

std::string StrandedFinding::describe() const {
  return fmt::format(
      "{} worker {} (tid {}) runnable, not running {:.2f} s ({:.2f}-{:.2f} s) while CPU {} of "
      "{} was >= {:.0f} % idle; ran {:.1f} ms, run delay +{:.1f} ms{}",
      group, worker, tid, window_ms() / 1000, from_ms / 1000, to_ms / 1000,
      format_cpu_list(CpuSet(idle_cpus.begin(), idle_cpus.end())), allowed_cpus, idle_pct, ran_ms,
      run_delay_ms,
      sched_ext ? fmt::format(" (sched_ext {})", ops) : std::string(" (not sched_ext)"));
}

CheckResult check_stranded(const Threshold& t, const std::vector<StrandedFinding>* findings) {
  CheckResult res = result_for(t);
  if (findings == nullptr) {
    res.verdict = Verdict::kSkip;
    res.detail = "longest stranded window: not measured (the monitor took fewer than 2 samples)";
    return res;
  }
  res.value = findings->empty() ? 0 : findings->front().window_ms();
  size_t failing = 0;
  const StrandedFinding* first = nullptr;
  for (const auto& f : *findings) {
    if (!f.sched_ext) continue;
    if (first == nullptr) first = &f;
    ++failing;
  }
  if (first != nullptr) {
    res.verdict = Verdict::kFail;
    res.value = first->window_ms();
    res.detail =
        fmt::format("longest stranded window {:.0f} ms: {}", first->window_ms(), first->describe());
    if (failing > 1) res.detail += fmt::format(" (+{} more)", failing - 1);
  } else if (!findings->empty()) {
    res.detail = fmt::format(
        "longest stranded window {:.0f} ms (information, not a failure without sched_ext): {}{}",
        findings->front().window_ms(), findings->front().describe(),
        findings->size() > 1 ? fmt::format(" (+{} more)", findings->size() - 1) : std::string());
  } else {
    res.detail = fmt::format(
        "longest stranded window 0 ms: no worker runnable without running for {:g} ms while an "
        "allowed CPU was idle",
        t.limit);
  }
  return res;
}

void to_json(nlohmann::json& j, const StrandedFinding& f) {
  j = nlohmann::json{{"group", f.group},
                     {"worker", f.worker},
                     {"tid", f.tid},
                     {"from_ms", f.from_ms},
                     {"to_ms", f.to_ms},
                     {"samples", f.samples},
                     {"allowed_cpus", f.allowed_cpus},
                     {"idle_cpus", f.idle_cpus},
                     {"idle_pct", f.idle_pct},
                     {"ran_ms", f.ran_ms},
                     {"run_delay_ms", f.run_delay_ms},
                     {"sched_ext", f.sched_ext},
                     {"ops", f.ops}};
}

void from_json(const nlohmann::json& j, StrandedFinding& f) {
  f = StrandedFinding{};
  f.group = j.value("group", "");
  f.worker = j.value("worker", size_t{0});
  f.tid = j.value("tid", 0);
  f.from_ms = j.value("from_ms", 0.0);
  f.to_ms = j.value("to_ms", 0.0);
  f.samples = j.value("samples", size_t{0});
  f.allowed_cpus = j.value("allowed_cpus", "");
  f.idle_cpus = j.value("idle_cpus", std::vector<int>{});
  f.idle_pct = j.value("idle_pct", 0.0);
  f.ran_ms = j.value("ran_ms", 0.0);
  f.run_delay_ms = j.value("run_delay_ms", 0.0);
  f.sched_ext = j.value("sched_ext", false);
  f.ops = j.value("ops", "");
}

}  // namespace ktstr::check
