// The metrics `ktstr compare` knows: how each is read from a scenario
// result, which direction is better, and the default minimum effect below
// which a significant difference is not called a regression
// (docs/reports.md "Metrics").
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/result.hpp"
#include "util/result.hpp"

namespace ktstr::report {

enum class Better { kLower, kHigher };

// "20%" = relative to side A's mean; "2" = absolute, in the metric's unit.
// A relative threshold may carry an absolute floor ("20%,5"): the change
// must reach both, so a metric near zero (a migration ratio of 0) does not
// turn a tiny absolute change into an infinite relative one.
struct MinEffect {
  double value = 0;
  bool relative = false;
  double floor = 0;  // absolute minimum with a relative value
  // True when |diff| > 0 reaches the threshold (relative to |mean_a|) and
  // the floor.
  bool reached(double diff, double mean_a) const;
  std::string describe() const;  // "20%", "20%,5" or "2"
};
Result<MinEffect> parse_min_effect(std::string_view text);

struct MetricDef {
  std::string name;
  std::string unit;
  Better better = Better::kLower;
  MinEffect min_effect;
  std::string description;
  // nullopt when the scenario did not measure it (no wake samples, no
  // schedstat, no workers).
  std::function<std::optional<double>(const scenario::ScenarioResult&)> extract;
};

// Metrics of payloads (scenarios.md "Payloads"), named
// `payload.NAME.METRIC`: one MetricDef per name any of `results` measured,
// in first-seen order after the catalogue's; unit and direction come from
// the payload's result, the default minimum effect is 10 %.
std::vector<MetricDef> payload_metric_defs(
    const std::vector<const scenario::ScenarioResult*>& results);
bool is_payload_metric(std::string_view name);

// Catalogue order is the order of the compare output.
const std::vector<MetricDef>& metric_catalogue();
const MetricDef* find_metric(std::string_view name);
std::string metric_names();  // "a, b, c" for error messages

}  // namespace ktstr::report
