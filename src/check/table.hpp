// The check table (scenarios.md "Checks"): every check ktstr knows, declared
// once, in evaluation order. An entry carries everything the rest of ktstr
// needs about a check: its name and unit, its direction (kMax/kMin limit or
// an on/off kToggle), its built-in defaults, whether host noise can move its
// value, its evaluator and how its evidence names the measured value.
// Thresholds (thresholds.hpp), evaluate_checks() (evaluate.hpp) and
// `ktstr list checks` all read this table. Adding a check = one entry in
// table.cpp + its test.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::check {

// kToggle: on/off (not_starved, isolation, scheduler_*).
// kMax / kMin: a numeric limit the measured value must stay below / above.
enum class CheckKind { kToggle, kMax, kMin };

struct Threshold;
struct CheckResult;
struct CheckInputs;
struct CgroupStats;

// Judges one enabled check over a run's inputs.
using Evaluator = CheckResult (*)(const Threshold&, const CheckInputs&);
// The value a per-cgroup check compares with its limit; nullopt = that cgroup
// produced nothing to measure.
using CgroupValue = std::optional<double> (*)(const CgroupStats&);

struct CheckDef {
  std::string name;
  CheckKind kind = CheckKind::kToggle;
  std::string unit;        // "ms", "%", "ns", "ratio", "1/s", "" for toggles
  std::string definition;  // one line for `ktstr list checks` and docs
  bool default_enabled = false;
  double default_limit = 0;  // kMax/kMin when enabled by default (release builds)
  double debug_limit = 0;    // the same for debug builds of the harness (0 = same)
  // What "enabled" without a number means for an off-by-default limit: none,
  // so `name = true` is refused with a hint to give a value.
  //
  // True when scheduling noise from outside the run (a busy host, a
  // preempted vCPU) can move the measured value across the limit, so a
  // failure on a measurably busy host is evidence of noise as much as of the
  // scheduler.
  bool timing_sensitive = false;
  // How the evidence (CheckResult::detail) names the measured value; for a
  // toggle, what the check looks at.
  std::string evidence;
  Evaluator evaluate = nullptr;
  // Per-cgroup checks (judged by check_cgroup_metric): the cgroup's value.
  CgroupValue cgroup_value = nullptr;
};

// Every check, in evaluation order.
const std::vector<CheckDef>& check_catalogue();
const CheckDef* find_check(std::string_view name);
// Whether noise can move the named check (false for unknown names).
bool timing_sensitive(std::string_view name);
std::vector<std::string> check_names();
bool is_debug_build();
// The default limit this build uses (debug_limit in debug builds when set).
double default_limit_of(const CheckDef& def);
// The default a build of ktstr uses ("2000 ms", "on", "off").
std::string default_text(const CheckDef& def);

}  // namespace ktstr::check
