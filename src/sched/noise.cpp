#include "sched/noise.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/json_struct.hpp"

namespace ktstr::sched {
namespace {

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

template <class F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// "total=12345" in a PSI line.
std::optional<uint64_t> psi_total(std::string_view line) {
  for (auto field : split_ws(line)) {
    if (field.substr(0, 6) == "total=") return to_u64(field.substr(6));
  }
  return std::nullopt;
}

double pct(double part, double whole) {
  return whole > 0 ? 100.0 * part / whole : 0.0;
}

}  // namespace

Result<PsiTotals> parse_psi(std::string_view text) {
  std::optional<uint64_t> some, full;
  bool bad = false;
  for_each_line(text, [&](std::string_view line) {
    if (line.substr(0, 5) == "some ") {
      some = psi_total(line);
      bad = bad || !some;
    } else if (line.substr(0, 5) == "full ") {
      full = psi_total(line);
      bad = bad || !full;
    }
  });
  if (bad || !some) return invalid_input("no `some ... total=N` line", "/proc/pressure/cpu");
  return PsiTotals{*some, full};
}

Result<ProcStat> parse_proc_stat(std::string_view text) {
  ProcStat out;
  std::string err;
  for_each_line(text, [&](std::string_view line) {
    if (line.size() < 4 || line.substr(0, 3) != "cpu" || line[3] == ' ' || !err.empty()) return;
    const auto f = split_ws(line);
    auto cpu = to_u64(f[0].substr(3));
    // user nice system idle iowait irq softirq steal [guest guest_nice]
    std::vector<uint64_t> v;
    for (size_t i = 1; i < f.size() && i <= 8; ++i) {
      auto n = to_u64(f[i]);
      if (!n) break;
      v.push_back(*n);
    }
    if (!cpu || v.size() < 8) {
      err = std::string(line);
      return;
    }
    out[static_cast<int>(*cpu)] = CpuTicks{v[0] + v[1] + v[2] + v[5] + v[6], v[3] + v[4], v[7]};
  });
  if (!err.empty()) return invalid_input(fmt::format("malformed line '{}'", err), "/proc/stat");
  if (out.empty()) return invalid_input("no cpuN lines", "/proc/stat");
  return out;
}

NoiseReport noise_between(const NoiseSnapshot& a, const NoiseSnapshot& b, const CpuSet& cpus) {
  NoiseReport n;
  const double wall_ns = static_cast<double>(b.mono_ns - a.mono_ns);
  n.wall_ms = wall_ns / 1e6;
  if (a.psi && b.psi) {
    n.psi_some_pct = pct(static_cast<double>(b.psi->some_us - a.psi->some_us) * 1e3, wall_ns);
    if (a.psi->full_us && b.psi->full_us) {
      n.psi_full_pct = pct(static_cast<double>(*b.psi->full_us - *a.psi->full_us) * 1e3, wall_ns);
    }
  } else {
    n.psi_note = b.psi_missing.empty() ? a.psi_missing : b.psi_missing;
  }
  if (a.stat && b.stat && wall_ns > 0) {
    uint64_t busy = 0, all = 0, steal = 0;
    for (const auto& [cpu, end] : *b.stat) {
      auto it = a.stat->find(cpu);
      if (it == a.stat->end() || (!cpus.empty() && !cpus.count(cpu))) continue;
      const auto& st = it->second;
      busy += end.busy - st.busy;
      steal += end.steal - st.steal;
      all += (end.busy + end.idle + end.steal) - (st.busy + st.idle + st.steal);
      ++n.cpus;
    }
    const double busy_ns = static_cast<double>(busy) * 1e9 / static_cast<double>(b.ticks_per_s);
    const double own_ns = static_cast<double>(b.own_cpu_ns - a.own_cpu_ns);
    n.outside_load_cpus = std::max(0.0, busy_ns - own_ns) / wall_ns;
    n.steal_pct = pct(static_cast<double>(steal), static_cast<double>(all));
  }
  if (a.harness && b.harness) {
    n.harness_run_delay_ms =
        static_cast<double>(b.harness->run_delay_ns - a.harness->run_delay_ns) / 1e6;
  }
  classify_noise(n);
  return n;
}

double outside_load_bound(size_t cpus) {
  return std::max(kNoiseBounds.outside_load_min_cpus,
                  kNoiseBounds.outside_load_fraction * static_cast<double>(cpus));
}

void classify_noise(NoiseReport& n) {
  const auto& k = kNoiseBounds;
  std::vector<std::string> over;
  if (n.outside_load_cpus && n.cpus > 0 && *n.outside_load_cpus > outside_load_bound(n.cpus)) {
    over.push_back(fmt::format("outside load {:.2f} CPU > {:.2f} ({} CPUs)", *n.outside_load_cpus,
                               outside_load_bound(n.cpus), n.cpus));
  }
  if (n.steal_pct && *n.steal_pct > k.steal_pct) {
    over.push_back(fmt::format("steal {:.0f}% > {:.0f}%", *n.steal_pct, k.steal_pct));
  }
  if (n.vcpu_dilation && *n.vcpu_dilation > k.vcpu_dilation) {
    over.push_back(
        fmt::format("vCPU dilation {:.2f}x > {:.2f}x", *n.vcpu_dilation, k.vcpu_dilation));
  }
  const bool measured = n.outside_load_cpus || n.steal_pct || n.vcpu_dilation;
  n.level = !over.empty() ? "high" : measured ? "low" : "unknown";
  n.why = fmt::format("{}", fmt::join(over, ", "));
}

std::string describe_noise(const NoiseReport& n) {
  std::vector<std::string> parts;
  if (n.psi_some_pct) parts.push_back(fmt::format("PSI some {:.0f}%", *n.psi_some_pct));
  if (n.steal_pct) parts.push_back(fmt::format("steal {:.1f}%", *n.steal_pct));
  if (n.outside_load_cpus) {
    parts.push_back(fmt::format("outside load {:.2f} CPU", *n.outside_load_cpus));
  }
  if (n.harness_run_delay_ms) {
    parts.push_back(fmt::format("harness run delay {:.1f}ms", *n.harness_run_delay_ms));
  }
  if (n.vcpu_dilation) parts.push_back(fmt::format("vCPU dilation {:.2f}x", *n.vcpu_dilation));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string noise_evidence(const NoiseReport& n) {
  if (!n.psi_some_pct) return n.why;
  return fmt::format("{}, PSI some {:.0f}%", n.why, *n.psi_some_pct);
}

std::string noise_summary(const NoiseReport& n) {
  if (n.level == "unknown") return "unknown (no noise counters on this system)";
  if (n.level == "high") return "high — " + noise_evidence(n);
  return fmt::format("low ({})", describe_noise(n));
}

std::optional<double> vcpu_dilation(const std::map<pid_t, SchedStat>& start,
                                    const std::map<pid_t, SchedStat>& end) {
  double delay = 0, on_cpu = 0;
  for (const auto& [tid, e] : end) {
    auto it = start.find(tid);
    if (it == start.end()) continue;
    delay += static_cast<double>(e.run_delay_ns - it->second.run_delay_ns);
    on_cpu += static_cast<double>(e.cpu_time_ns - it->second.cpu_time_ns);
  }
  if (on_cpu <= 0) return std::nullopt;
  return 1.0 + delay / on_cpu;
}

KTSTR_JSON_STRUCT(NoiseReport, wall_ms, psi_some_pct, psi_full_pct, psi_note, steal_pct,
                  outside_load_cpus, cpus, harness_run_delay_ms, vcpu_dilation, level, why)

}  // namespace ktstr::sched
