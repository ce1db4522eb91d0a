#include "report/summary.hpp"

#include <fmt/format.h>

#include "report/format.hpp"

namespace ktstr::report {

std::string describe_check(const check::CheckResult& c) {
  std::string s = fmt::format("{}: {}", to_string(c.verdict), c.detail);
  std::vector<std::string> facts;
  if (c.value) facts.push_back("value " + format_number(*c.value));
  if (c.threshold) {
    facts.push_back(
        fmt::format("threshold {} from {}", format_number(*c.threshold), to_string(c.source)));
  }
  if (!facts.empty()) s += fmt::format(" ({})", fmt::join(facts, ", "));
  return s;
}

std::string format_timeline_event(const scenario::TimelineEvent& e) {
  return fmt::format("+{:.1f}ms {}: {}", e.at_ms, e.kind, e.detail);
}

std::vector<std::pair<std::string, std::string>> key_stats(const scenario::ScenarioResult& s) {
  const auto& st = s.stats.scenario;
  std::vector<std::pair<std::string, std::string>> out;
  if (st.workers == 0) return out;
  bool wake = false, schedstat = false;
  for (const auto& c : s.stats.cgroups) {
    wake |= c.wake_samples > 0;
    schedstat |= c.schedstat_available;
  }
  out.emplace_back("workers", fmt::format("{} ({} completed)", st.workers, st.completed));
  out.emplace_back("iterations", std::to_string(st.iterations));
  out.emplace_back("max_spread_pct",
                   format_number(st.max_spread_pct) +
                       (st.max_spread_cgroup.empty() ? "" : " (" + st.max_spread_cgroup + ")"));
  out.emplace_back(
      "max_gap_ms",
      fmt::format("{}{}", format_number(st.max_gap_ms),
                  st.max_gap_cpu >= 0 ? fmt::format(" on cpu{}", st.max_gap_cpu) : ""));
  out.emplace_back("off_cpu_pct", fmt::format("{}..{}", format_number(st.off_cpu_pct_min),
                                              format_number(st.off_cpu_pct_max)));
  if (wake) {
    out.emplace_back("wake_p50_us", format_number(static_cast<double>(st.worst_wake_p50_ns) / 1e3));
    out.emplace_back("wake_p99_us", format_number(static_cast<double>(st.worst_wake_p99_ns) / 1e3));
  }
  out.emplace_back("migrations", fmt::format("{} (worst ratio {})", st.migrations,
                                             format_number(st.max_migration_ratio)));
  if (schedstat) out.emplace_back("run_delay_worst_ms", format_number(st.run_delay_worst_ms));
  return out;
}

}  // namespace ktstr::report
