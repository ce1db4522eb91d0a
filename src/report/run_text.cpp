#include "report/run_text.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "check/relative.hpp"
#include "check/table.hpp"
#include "report/format.hpp"
#include "scenario/confirm.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::report {
namespace {

using check::Verdict;
using scenario::ScenarioResult;

std::string label(const ScenarioResult& r, const scenario::RunResult& run) {
  size_t repeats = 0;
  for (const auto& s : run.scenarios) repeats += s.name == r.name;
  return repeats > 1 ? fmt::format("{} (repeat {})", r.name, r.repeat + 1) : r.name;
}

std::string seconds(double ms) {
  return fmt::format("{:.2f}s", ms / 1000);
}

void render_problem(std::string& out, const ScenarioResult& r, const scenario::RunResult& run) {
  const char* head = r.verdict == Verdict::kFail           ? "FAILED      "
                     : r.verdict == Verdict::kFlaky        ? "FLAKY       "
                     : r.verdict == Verdict::kInconclusive ? "INCONCLUSIVE"
                                                           : "SKIPPED     ";
  out += fmt::format("{} {}  {}", head, label(r, run), seconds(r.duration_ms));
  if (!r.attempts.empty()) {
    out += fmt::format("  {} ({}/{})", check::to_string(r.verdict), scenario::failed_attempts(r),
                       r.attempts.size());
  }
  out += "\n";
  if (!r.error.empty()) out += fmt::format("  error ({}): {}\n", to_string(r.error_kind), r.error);
  if (r.verdict == Verdict::kSkip) out += fmt::format("  {}\n", r.reason);
  if (r.scheduler.exit_kind != sched::ExitKind::kNone) {
    out += fmt::format("  scheduler {} ended: {} ({})\n", r.scheduler.name,
                       sched::to_string(r.scheduler.exit_kind), r.scheduler.exit_detail);
  }
  for (const auto& c : r.checks) {
    if (c.verdict != Verdict::kFail && c.verdict != Verdict::kInconclusive) continue;
    out += fmt::format("  {} {}: {}  [limit from {}]\n", c.verdict == Verdict::kFail ? "x" : "?",
                       c.name, c.detail, check::to_string(c.source));
  }
  for (const auto& line : render_attempt_lines(r)) out += "  " + line + "\n";
  if (r.interrupted) out += "  interrupted before the end; statistics cover what ran\n";
}

// "19.4 % (limit 15 %)" for the check `name` of one attempt.
std::string check_value(const ScenarioResult& a, const std::string& name) {
  const auto* def = check::find_check(name);
  const std::string unit = def != nullptr && !def->unit.empty() ? " " + def->unit : "";
  for (const auto& c : a.checks) {
    if (c.name != name) continue;
    std::string text = c.value ? format_number(*c.value) + unit : "not measured";
    if (c.threshold) text += fmt::format(" (limit {}{})", format_number(*c.threshold), unit);
    return text;
  }
  return "not evaluated";
}

std::string wake_cell(const check::CgroupStats& c) {
  if (c.wake_samples == 0) return "-";
  return fmt::format("{:.0f}/{:.0f}", static_cast<double>(c.wake_p50_ns) / 1e3,
                     static_cast<double>(c.wake_p99_ns) / 1e3);
}

void render_table(std::string& out, const scenario::RunResult& run) {
  out += fmt::format("{:<30} {:<5} {:<14} {:>4} {:<7} {:>17} {:>6} {:>12} {:>8} {:>13} {:>11}\n",
                     "scenario", "verd", "cgroup", "wkrs", "cpus", "off-cpu% min/avg/max", "spread",
                     "maxgap ms", "migr/it", "wake p50/p99us", "iterations");
  for (const auto& r : run.scenarios) {
    if (r.stats.cgroups.empty()) {
      out += fmt::format("{:<30} {:<5} {}\n", label(r, run), check::to_string(r.verdict),
                         r.reason.empty() ? "(no workers)" : r.reason);
      continue;
    }
    bool first = true;
    for (const auto& c : r.stats.cgroups) {
      out += fmt::format(
          "{:<30} {:<5} {:<14} {:>4} {:<7} {:>5.1f}/{:>5.1f}/{:>5.1f} {:>6.1f} {:>7.1f}{:<5} "
          "{:>8.4f} {:>13} {:>11}\n",
          first ? label(r, run) : "", first ? std::string(check::to_string(r.verdict)) : "", c.name,
          c.workers, format_cpu_list(c.cpus_used), c.off_cpu_pct_min, c.off_cpu_pct_avg,
          c.off_cpu_pct_max, c.spread_pct, c.max_gap_ms,
          c.max_gap_cpu >= 0 ? fmt::format("(c{})", c.max_gap_cpu) : "", c.migration_ratio,
          wake_cell(c), c.iterations);
      first = false;
    }
  }
}

// Per-phase statistics of scenarios with more than one phase, then every
// relative check with both values and the ratio (docs/results.md).
void render_phases(std::string& out, const scenario::RunResult& run) {
  for (const auto& r : run.scenarios) {
    if (r.phase_stats.size() < 2) continue;
    out += fmt::format("\n{} phases:\n  {:<16} {:<10} {:>7} {:>11} {:>6} {:>13} {:>8} {:>10}\n",
                       label(r, run), "phase", "scheduler", "secs", "iter/s", "cpu", "run delay us",
                       "migr/s", "maxgap ms");
    for (const auto& p : r.phase_stats) {
      out += fmt::format("  {:<16} {:<10} {:>7.2f} {:>11.0f} {:>6} {:>13} {:>8.1f} {:>9.1f}{}\n",
                         p.name, p.scheduler, p.duration_ms / 1000, p.iterations_per_s,
                         p.schedstat_available ? fmt::format("{:.2f}", p.cpu_util) : "-",
                         p.schedstat_available && p.run_count > 0
                             ? fmt::format("{:.1f}", p.mean_run_delay_us)
                             : "-",
                         p.migrations_per_s, p.max_gap_ms, p.max_gap_exact ? "" : "<");
    }
    for (const auto& c : r.checks) {
      if (c.name.rfind(check::kRelativePrefix, 0) != 0) continue;
      out += fmt::format("  {} {}\n", check::to_string(c.verdict), c.detail);
    }
  }
}

// One line per measured scenario (docs/scenarios.md "Noise and inconclusive
// verdicts"); nothing when no scenario measured noise.
void render_noise(std::string& out, const scenario::RunResult& run) {
  std::string lines;
  for (const auto& r : run.scenarios) {
    if (r.noise.level == "unknown") continue;
    lines += fmt::format("  {}: host noise: {}\n", label(r, run), sched::noise_summary(r.noise));
  }
  if (!lines.empty()) out += "\n" + lines;
}

// One line per payload: how it ended and its metrics (scenarios.md "Payloads").
void render_payloads(std::string& out, const scenario::RunResult& run) {
  std::string lines;
  for (const auto& r : run.scenarios) {
    for (const auto& p : r.payloads) {
      std::string line = fmt::format("  {}: payload {} ({}) {}", label(r, run), p.name, p.kind,
                                     p.error.empty() ? p.exit : p.error);
      for (const auto& m : p.metrics) {
        line += fmt::format("{} {} {:g}{}", &m == &p.metrics.front() ? ":" : ",", m.name, m.value,
                            m.unit.empty() ? "" : " " + m.unit);
      }
      lines += line + "\n";
    }
  }
  if (!lines.empty()) out += "\n" + lines;
}

}  // namespace

std::vector<std::string> render_attempt_lines(const ScenarioResult& r) {
  std::vector<std::string> names;
  for (const auto& a : r.attempts) {
    for (const auto& c : a.checks) {
      if (c.verdict != Verdict::kFail) continue;
      if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
  }
  std::vector<std::string> lines;
  for (size_t k = 0; k < r.attempts.size(); ++k) {
    const auto& a = r.attempts[k];
    std::string line =
        fmt::format("attempt {}/{}: {:<4}", k + 1, r.attempts.size(), check::to_string(a.verdict));
    for (const auto& n : names) line += fmt::format("  {} {}", n, check_value(a, n));
    if (names.empty() || !a.error.empty()) line += "  " + a.reason;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string render_run_text(const scenario::RunResult& run) {
  std::string out;
  const auto& h = run.host;
  out += fmt::format("ktstr run on {} (kernel {}, {} CPUs, {}), scheduler {}, cgroups {}\n\n",
                     h.hostname, h.kernel, h.cpus, h.topology, h.scheduler, h.cgroup_layout);
  size_t counts[5] = {0, 0, 0, 0, 0};  // indexed by Verdict
  for (const auto& r : run.scenarios) ++counts[static_cast<int>(r.verdict)];
  for (Verdict v : {Verdict::kFail, Verdict::kFlaky, Verdict::kInconclusive, Verdict::kSkip}) {
    for (const auto& r : run.scenarios) {
      if (r.verdict == v) render_problem(out, r, run);
    }
  }
  if (run.scenarios.size() > counts[0]) out += "\n";
  render_table(out, run);
  render_phases(out, run);
  render_noise(out, run);
  render_payloads(out, run);
  std::vector<std::string> warnings;
  for (const auto& r : run.scenarios) {
    for (const auto& w : r.warnings) warnings.push_back(r.name + ": " + w);
  }
  if (!warnings.empty()) {
    out += "\nwarnings:\n";
    for (const auto& w : warnings) out += "  " + w + "\n";
  }
  std::string lifecycle;
  for (const auto& r : run.scenarios) {
    for (const auto& l : r.lifecycle) {
      lifecycle += fmt::format("  {} +{:.2f}s {}\n", r.name, l.at_ms / 1e3, l.describe());
    }
  }
  if (!lifecycle.empty()) out += "\nscheduler lifecycle:\n" + lifecycle;
  const auto n = [&](Verdict v) { return counts[static_cast<int>(v)]; };
  const std::string flaky =
      n(Verdict::kFlaky) > 0 ? fmt::format(", {} flaky", n(Verdict::kFlaky)) : "";
  out +=
      fmt::format("\n{} scenario run(s): {} passed, {} failed{}, {} skipped, {} inconclusive ({})",
                  run.scenarios.size(), n(Verdict::kPass), n(Verdict::kFail), flaky,
                  n(Verdict::kSkip), n(Verdict::kInconclusive), seconds(run.duration_ms));
  if (run.interrupted) out += " - interrupted";
  out += "\n";
  return out;
}

std::string render_done_line(const ScenarioResult& r, size_t index, size_t total) {
  std::string line = fmt::format("[{}/{}] {}: {} ({})", index, total, r.name,
                                 check::to_string(r.verdict), seconds(r.duration_ms));
  if (!r.reason.empty()) line += " - " + r.reason;
  return line;
}

std::string render_progress(const scenario::Progress& p, size_t index, size_t total) {
  return fmt::format("[{}/{}] {}  {:.1f}s/{:.1f}s  {}", index, total, p.scenario,
                     static_cast<double>(p.elapsed_ns) / 1e9,
                     static_cast<double>(p.planned_ns) / 1e9, p.what);
}

}  // namespace ktstr::report
