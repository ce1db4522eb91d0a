#include "report/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace ktstr::report {

bool MinEffect::reached(double diff, double mean_a) const {
  const double size = std::fabs(diff);
  if (size == 0) return false;
  if (!relative) return size >= value;
  return size >= value / 100 * std::fabs(mean_a) && size >= floor;
}

std::string MinEffect::describe() const {
  if (!relative) return fmt::format("{:g}", value);
  return floor > 0 ? fmt::format("{:g}%,{:g}", value, floor) : fmt::format("{:g}%", value);
}

namespace {

bool parse_non_negative(std::string_view text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc() && ptr == end && out >= 0 && std::isfinite(out);
}

}  // namespace

Result<MinEffect> parse_min_effect(std::string_view text) {
  MinEffect m;
  std::string_view num = text;
  std::string_view floor;
  if (const size_t comma = num.find(','); comma != std::string_view::npos) {
    floor = num.substr(comma + 1);
    num = num.substr(0, comma);
  }
  if (!num.empty() && num.back() == '%') {
    m.relative = true;
    num.remove_suffix(1);
  }
  const bool floor_ok = floor.empty() || (m.relative && parse_non_negative(floor, m.floor));
  if (!parse_non_negative(num, m.value) || !floor_ok) {
    return invalid_input(
        fmt::format("minimum effect '{}' is not a non-negative number, a percentage or a "
                    "percentage with an absolute floor (e.g. 2, 10% or 10%,5)",
                    text));
  }
  return m;
}

namespace {

using scenario::ScenarioResult;
using Opt = std::optional<double>;

bool has_workers(const ScenarioResult& r) {
  return r.stats.scenario.workers > 0;
}

bool has_wake_samples(const ScenarioResult& r) {
  for (const auto& c : r.stats.cgroups) {
    if (c.wake_samples > 0) return true;
  }
  return false;
}

bool has_schedstat(const ScenarioResult& r) {
  for (const auto& c : r.stats.cgroups) {
    if (c.schedstat_available) return true;
  }
  return false;
}

Opt if_workers(const ScenarioResult& r, double v) {
  return has_workers(r) ? Opt(v) : Opt();
}
Opt if_wake(const ScenarioResult& r, double v) {
  return has_wake_samples(r) ? Opt(v) : Opt();
}

// Worker-weighted mean over cgroups of each one's mean run delay.
Opt run_delay_mean(const ScenarioResult& r) {
  if (!has_schedstat(r)) return {};
  double sum = 0, n = 0;
  for (const auto& c : r.stats.cgroups) {
    if (!c.schedstat_available) continue;
    sum += c.run_delay_mean_ms * static_cast<double>(c.workers);
    n += static_cast<double>(c.workers);
  }
  return n > 0 ? Opt(sum / n) : Opt();
}

Opt iterations_per_s(const ScenarioResult& r) {
  if (!has_workers(r) || r.planned_duration_ms <= 0) return {};
  return static_cast<double>(r.stats.scenario.iterations) / (r.planned_duration_ms / 1000);
}

std::vector<MetricDef> build_catalogue() {
  const auto& s = [](const ScenarioResult& r) -> const check::ScenarioStats& {
    return r.stats.scenario;
  };
  std::vector<MetricDef> m;
  m.push_back({"spread_pct",
               "pp",
               Better::kLower,
               {2, false},
               "worst per-cgroup off-CPU spread (max - min off-CPU %), percentage points",
               [s](const ScenarioResult& r) { return if_workers(r, s(r).max_spread_pct); }});
  m.push_back({"off_cpu_pct_max",
               "%",
               Better::kLower,
               {5, false},
               "highest off-CPU share of any worker",
               [s](const ScenarioResult& r) { return if_workers(r, s(r).off_cpu_pct_max); }});
  m.push_back({"max_gap_ms",
               "ms",
               Better::kLower,
               {20, true, 1},
               "longest scheduling gap of any worker",
               [s](const ScenarioResult& r) { return if_workers(r, s(r).max_gap_ms); }});
  m.push_back({"wake_p50_us",
               "us",
               Better::kLower,
               {10, true, 2},
               "worst per-cgroup median wake latency",
               [s](const ScenarioResult& r) {
                 return if_wake(r, static_cast<double>(s(r).worst_wake_p50_ns) / 1e3);
               }});
  m.push_back({"wake_p99_us",
               "us",
               Better::kLower,
               {20, true, 10},
               "worst per-cgroup p99 wake latency",
               [s](const ScenarioResult& r) {
                 return if_wake(r, static_cast<double>(s(r).worst_wake_p99_ns) / 1e3);
               }});
  auto if_wakeup = [](const ScenarioResult& r, uint64_t ns) {
    return r.stats.scenario.wakeup_count > 0 ? Opt(static_cast<double>(ns) / 1e3) : Opt();
  };
  m.push_back(
      {"wakeup_p50_us",
       "us",
       Better::kLower,
       {10, true, 2},
       "worst per-cgroup median waker-stamped wakeup latency",
       [s, if_wakeup](const ScenarioResult& r) { return if_wakeup(r, s(r).worst_wakeup_p50_ns); }});
  m.push_back(
      {"wakeup_p99_us",
       "us",
       Better::kLower,
       {20, true, 10},
       "worst per-cgroup p99 waker-stamped wakeup latency",
       [s, if_wakeup](const ScenarioResult& r) { return if_wakeup(r, s(r).worst_wakeup_p99_ns); }});
  m.push_back({"run_delay_mean_ms",
               "ms",
               Better::kLower,
               {10, true, 1},
               "mean per-worker run-queue delay (schedstat)",
               run_delay_mean});
  m.push_back({"run_delay_worst_ms",
               "ms",
               Better::kLower,
               {20, true, 2},
               "worst per-worker run-queue delay (schedstat)",
               [s](const ScenarioResult& r) {
                 return has_schedstat(r) ? Opt(s(r).run_delay_worst_ms) : Opt();
               }});
  m.push_back({"iterations",
               "",
               Better::kHigher,
               {5, true},
               "total iterations of all workers",
               [s](const ScenarioResult& r) {
                 return if_workers(r, static_cast<double>(s(r).iterations));
               }});
  m.push_back({"iterations_per_s",
               "/s",
               Better::kHigher,
               {5, true},
               "total iterations per second of planned duration",
               iterations_per_s});
  m.push_back({"min_work_rate",
               "/cpu-s",
               Better::kHigher,
               {10, true},
               "lowest per-worker work units per CPU-second",
               [s](const ScenarioResult& r) { return if_workers(r, s(r).min_work_rate); }});
  m.push_back({"throughput_cv",
               "",
               Better::kLower,
               {0.05, false},
               "worst per-cgroup CV of work units per CPU-second",
               [s](const ScenarioResult& r) { return if_workers(r, s(r).max_throughput_cv); }});
  m.push_back({"migration_ratio",
               "",
               Better::kLower,
               {25, true, 0.001},
               "worst per-cgroup migrations per iteration",
               [s](const ScenarioResult& r) { return if_workers(r, s(r).max_migration_ratio); }});
  return m;
}

}  // namespace

const std::vector<MetricDef>& metric_catalogue() {
  static const std::vector<MetricDef> catalogue = build_catalogue();
  return catalogue;
}

const MetricDef* find_metric(std::string_view name) {
  for (const auto& m : metric_catalogue()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool is_payload_metric(std::string_view name) {
  return name.substr(0, 8) == "payload." && name.find('.', 8) != std::string_view::npos;
}

std::vector<MetricDef> payload_metric_defs(
    const std::vector<const scenario::ScenarioResult*>& results) {
  std::vector<MetricDef> out;
  for (const auto* r : results) {
    for (const auto& p : r->payloads) {
      for (const auto& m : p.metrics) {
        const std::string name = "payload." + p.name + "." + m.name;
        if (std::any_of(out.begin(), out.end(), [&](const auto& d) { return d.name == name; })) {
          continue;
        }
        out.push_back({name, m.unit, m.higher_is_better ? Better::kHigher : Better::kLower,
                       MinEffect{10, true}, "payload " + p.name + " (" + p.kind + ")",
                       [pn = p.name, mn = m.name](const ScenarioResult& s) -> Opt {
                         for (const auto& q : s.payloads) {
                           if (q.name != pn) continue;
                           for (const auto& x : q.metrics) {
                             if (x.name == mn) return x.value;
                           }
                         }
                         return {};
                       }});
      }
    }
  }
  return out;
}

std::string metric_names() {
  std::string out;
  for (const auto& m : metric_catalogue()) {
    if (!out.empty()) out += ", ";
    out += m.name;
  }
  return out;
}

}  // namespace ktstr::report
