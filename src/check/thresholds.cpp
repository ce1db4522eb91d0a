#include "check/thresholds.hpp"

#include <cmath>
#include <cstdlib>

#include "util/check.hpp"
#include "util/suggest.hpp"

namespace ktstr::check {
namespace {

std::vector<CheckDef> build_catalogue() {
  using K = CheckKind;
  return {
      {"not_starved", K::kToggle, "", "any worker with work_units == 0 fails (sentinels included)",
       true},
      {"max_gap_ms", K::kMax, "ms", "any worker's longest gap between checkpoints above the limit",
       true, 2000, 3000},
      {"max_spread_pct", K::kMax, "%",
       "per cgroup, max - min of the workers' off-CPU % (off_cpu / wall)", true, 15, 35},
      {"isolation", K::kToggle, "", "every worker's cpus_used is a subset of its cgroup's cpuset",
       false},
      {"max_throughput_cv", K::kMax, "ratio",
       "per cgroup, CV of work_units per CPU-second across workers", false},
      {"min_work_rate", K::kMin, "1/s", "per worker, work_units per CPU-second (floor)", false},
      {"max_p99_wake_latency_ns", K::kMax, "ns",
       "per cgroup, nearest-rank p99 of the pooled wake-latency samples", false},
      {"max_wake_latency_cv", K::kMax, "ratio", "per cgroup, CV of the pooled wake-latency samples",
       false},
      {"min_iteration_rate", K::kMin, "1/s", "per worker, iterations per wall-clock second", false},
      {"max_migration_ratio", K::kMax, "ratio", "per cgroup, migrations / iterations", false},
      {"min_page_locality", K::kMin, "ratio",
       "per cgroup, pages on the nodes of the CPUs the workers ran on / all pages", false},
      {"max_cross_node_migration_ratio", K::kMax, "ratio",
       "per cgroup, NUMA pages migrated (vmstat delta) / pages", false},
      {"max_slow_tier_ratio", K::kMax, "ratio",
       "per cgroup, pages on memory-only (slow tier) nodes / pages", false},
      {"scheduler_alive", K::kToggle, "",
       "the scheduler under test is still running and attached after every step", true},
      {"scheduler_clean_exit", K::kToggle, "",
       "no sched_ext error exit or stall in the kernel log (sched_ext only)", true},
  };
}

}  // namespace

bool is_debug_build() {
#ifdef KTSTR_DEBUG_BUILD
  return true;
#else
  return false;
#endif
}

std::string_view to_string(ThresholdSource s) {
  switch (s) {
    case ThresholdSource::kDefault:
      return "default";
    case ThresholdSource::kScheduler:
      return "scheduler";
    case ThresholdSource::kTest:
      return "test";
    case ThresholdSource::kCli:
      return "cli";
  }
  return "default";
}

Result<ThresholdSource> parse_threshold_source(std::string_view text) {
  for (auto s : {ThresholdSource::kDefault, ThresholdSource::kScheduler, ThresholdSource::kTest,
                 ThresholdSource::kCli}) {
    if (to_string(s) == text) return s;
  }
  return invalid_input(fmt::format("'{}' is not a threshold source", text));
}

const std::vector<CheckDef>& check_catalogue() {
  static const std::vector<CheckDef> defs = build_catalogue();
  return defs;
}

const CheckDef* find_check(std::string_view name) {
  for (const auto& d : check_catalogue()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::vector<std::string> check_names() {
  std::vector<std::string> out;
  for (const auto& d : check_catalogue()) out.push_back(d.name);
  return out;
}

static double default_limit_of(const CheckDef& d) {
  return is_debug_build() && d.debug_limit != 0 ? d.debug_limit : d.default_limit;
}

std::string default_text(const CheckDef& d) {
  if (!d.default_enabled) return "off";
  if (d.kind == CheckKind::kToggle) return "on";
  return fmt::format("{:g} {}", default_limit_of(d), d.unit);
}

static Result<const CheckDef*> lookup(const std::string& name) {
  const CheckDef* d = find_check(name);
  if (d == nullptr) {
    return invalid_input(fmt::format("unknown check '{}'{} (`ktstr list checks` shows all)", name,
                                     did_you_mean(name, check_names())),
                         name);
  }
  return d;
}

Status ThresholdLayer::set_enabled(const std::string& name, bool on) {
  auto d = lookup(name);
  if (!d) return unexpected(d.error());
  if (on && (*d)->kind != CheckKind::kToggle && (*d)->default_limit == 0) {
    return invalid_input(
        fmt::format("check '{}' has no default limit; give a number ({}) instead of true", name,
                    (*d)->unit),
        name);
  }
  values[name] = ThresholdSetting{on, std::nullopt};
  return {};
}

Status ThresholdLayer::set_limit(const std::string& name, double limit) {
  auto d = lookup(name);
  if (!d) return unexpected(d.error());
  if ((*d)->kind == CheckKind::kToggle) {
    return invalid_input(fmt::format("check '{}' is on/off; write true or false", name), name);
  }
  if (!std::isfinite(limit) || limit < 0) {
    return invalid_input(fmt::format("check '{}' needs a finite limit >= 0, got {}", name, limit),
                         name);
  }
  values[name] = ThresholdSetting{true, limit};
  return {};
}

Status ThresholdLayer::set_text(const std::string& name, std::string_view value) {
  if (value == "true" || value == "on") return set_enabled(name, true);
  if (value == "false" || value == "off") return set_enabled(name, false);
  std::string s(value);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end == nullptr || *end != '\0') {
    return invalid_input(
        fmt::format("'{}' is not a value for check '{}'; write a number, true or false", value,
                    name),
        name);
  }
  return set_limit(name, v);
}

Thresholds::Thresholds() {
  for (const auto& d : check_catalogue()) {
    values_.push_back(Threshold{d.name, d.kind, d.default_enabled, default_limit_of(d),
                                ThresholdSource::kDefault});
  }
}

const Threshold& Thresholds::get(std::string_view name) const {
  for (const auto& t : values_) {
    if (t.name == name) return t;
  }
  KTSTR_CHECK(false, "unknown check name");
  __builtin_unreachable();
}

void Thresholds::apply(const ThresholdLayer& layer, ThresholdSource source) {
  for (auto& t : values_) {
    auto it = layer.values.find(t.name);
    if (it == layer.values.end()) continue;
    t.enabled = it->second.enabled;
    if (it->second.limit) {
      t.limit = *it->second.limit;
    } else if (t.enabled && t.kind != CheckKind::kToggle && t.limit == 0) {
      t.limit = default_limit_of(*find_check(t.name));
    }
    t.source = source;
  }
}

Thresholds merge_thresholds(const ThresholdLayer* scheduler, const ThresholdLayer* test,
                            const ThresholdLayer* cli) {
  Thresholds t;
  if (scheduler != nullptr) t.apply(*scheduler, ThresholdSource::kScheduler);
  if (test != nullptr) t.apply(*test, ThresholdSource::kTest);
  if (cli != nullptr) t.apply(*cli, ThresholdSource::kCli);
  return t;
}

}  // namespace ktstr::check
