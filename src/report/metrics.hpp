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
struct MinEffect {
  double value = 0;
  bool relative = false;
  // True when |diff| reaches the threshold (relative to |mean_a|; a relative
  // threshold with mean_a == 0 is reached by any non-zero diff).
  bool reached(double diff, double mean_a) const;
  std::string describe() const;  // "20%" or "2"
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

// Catalogue order is the order of the compare output.
const std::vector<MetricDef>& metric_catalogue();
const MetricDef* find_metric(std::string_view name);
std::string metric_names();  // "a, b, c" for error messages

}  // namespace ktstr::report
