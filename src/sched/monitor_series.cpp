// The monitor's decimated series (monitor.hpp summarize) and its JSON form
// (docs/results.md "monitor").
#include <algorithm>

#include <nlohmann/json.hpp>

#include "sched/monitor.hpp"

namespace ktstr::sched {
namespace {

double idle_pct(const ProcStat& from, const ProcStat& to, int cpu) {
  auto a = from.find(cpu);
  auto b = to.find(cpu);
  if (a == from.end() || b == to.end()) return 0;
  auto d = [](uint64_t x, uint64_t y) { return y > x ? static_cast<double>(y - x) : 0.0; };
  const double idle = d(a->second.idle, b->second.idle);
  const double total =
      idle + d(a->second.busy, b->second.busy) + d(a->second.steal, b->second.steal);
  return total > 0 ? 100.0 * idle / total : 0;
}

double runnable_on(const MonitorSample& s, int cpu) {
  double n = 0;
  for (const auto& t : s.tasks) n += t.state == 'R' && t.cpu == cpu ? 1 : 0;
  return n;
}

}  // namespace

MonitorSeries summarize(const MonitorTimeline& tl, size_t max_points) {
  MonitorSeries out;
  out.period_ms = static_cast<double>(tl.period_ns) / 1e6;
  out.samples = tl.taken;
  out.tasks = tl.tasks.size();
  if (tl.taken > 0) {
    out.cost_us_per_sample = static_cast<double>(tl.cost_ns) / 1e3 / static_cast<double>(tl.taken);
  }
  const auto& v = tl.samples;
  if (v.size() < 2) return out;
  for (const auto& [cpu, ticks] : v.front().cpus) out.cpus.push_back(cpu);
  const size_t intervals = v.size() - 1;
  max_points = std::max<size_t>(max_points, 1);
  out.stride = (intervals + max_points - 1) / max_points;
  out.idle_pct.assign(out.cpus.size(), {});
  out.runnable.assign(out.cpus.size(), {});
  for (size_t a = 0; a < intervals; a += out.stride) {
    const size_t b = std::min(a + out.stride, intervals);
    out.t_ms.push_back(static_cast<double>(v[b].t_ns) / 1e6);
    out.scx_state.push_back(v[b].scx_state);
    out.scx_nr_rejected.push_back(v[b].scx_nr_rejected);
    for (size_t c = 0; c < out.cpus.size(); ++c) {
      out.idle_pct[c].push_back(idle_pct(v[a].cpus, v[b].cpus, out.cpus[c]));
      double sum = 0;
      for (size_t k = a + 1; k <= b; ++k) sum += runnable_on(v[k], out.cpus[c]);
      out.runnable[c].push_back(sum / static_cast<double>(b - a));
    }
  }
  return out;
}

bool MonitorSeries::consistent() const {
  const size_t n = t_ms.size();
  if (idle_pct.size() != cpus.size() || runnable.size() != cpus.size()) return false;
  if (scx_state.size() != n || scx_nr_rejected.size() != n) return false;
  for (size_t c = 0; c < cpus.size(); ++c) {
    if (idle_pct[c].size() != n || runnable[c].size() != n) return false;
  }
  return true;
}

void to_json(nlohmann::json& j, const MonitorSeries& s) {
  j = nlohmann::json{{"period_ms", s.period_ms},
                     {"samples", s.samples},
                     {"stride", s.stride},
                     {"tasks", s.tasks},
                     {"cost_us_per_sample", s.cost_us_per_sample},
                     {"cpus", s.cpus},
                     {"t_ms", s.t_ms},
                     {"idle_pct", s.idle_pct},
                     {"runnable", s.runnable},
                     {"scx_state", s.scx_state},
                     {"scx_nr_rejected", s.scx_nr_rejected}};
}

void from_json(const nlohmann::json& j, MonitorSeries& s) {
  s = MonitorSeries{};
  s.period_ms = j.value("period_ms", 0.0);
  s.samples = j.value("samples", size_t{0});
  s.stride = j.value("stride", size_t{1});
  s.tasks = j.value("tasks", size_t{0});
  s.cost_us_per_sample = j.value("cost_us_per_sample", 0.0);
  s.cpus = j.value("cpus", std::vector<int>{});
  s.t_ms = j.value("t_ms", std::vector<double>{});
  s.idle_pct = j.value("idle_pct", std::vector<std::vector<double>>{});
  s.runnable = j.value("runnable", std::vector<std::vector<double>>{});
  s.scx_state = j.value("scx_state", std::vector<std::string>{});
  s.scx_nr_rejected = j.value("scx_nr_rejected", std::vector<int64_t>{});
}

}  // namespace ktstr::sched
