// Check thresholds as data, merged in layers (scenarios.md "Checks").
//
// The check table (table.hpp) lists every check with its kind and built-in
// default. Callers describe what they want changed as a
// ThresholdLayer (from a scheduler definition, a scenario's [checks] table
// or a C++ builder, and `--check NAME=VALUE` on the command line);
// merge_thresholds() applies the layers over the defaults in the order
// defaults < scheduler < test < cli, and every resulting value remembers
// which layer it came from so a report can say why a limit applies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/table.hpp"
#include "util/result.hpp"

namespace ktstr::check {

enum class ThresholdSource { kDefault, kScheduler, kTest, kCli };
std::string_view to_string(ThresholdSource s);
Result<ThresholdSource> parse_threshold_source(std::string_view text);

// What one layer sets for one check: `enabled = false` turns it off; a limit
// turns it on with that value; `enabled = true` alone turns it on with the
// default limit (toggles, or numeric checks that have a default).
struct ThresholdSetting {
  bool enabled = true;
  std::optional<double> limit;
};

struct ThresholdLayer {
  std::map<std::string, ThresholdSetting> values;

  // Validated setters; errors are kInvalidInput naming the check, with a
  // "did you mean" for unknown names.
  Status set_enabled(const std::string& name, bool on);
  Status set_limit(const std::string& name, double limit);
  // Text form for the CLI: "true"/"on", "false"/"off", or a number.
  Status set_text(const std::string& name, std::string_view value);
  bool empty() const { return values.empty(); }
};

// One check's effective setting after merging.
struct Threshold {
  std::string name;
  CheckKind kind = CheckKind::kToggle;
  bool enabled = false;
  double limit = 0;  // meaningful for kMax/kMin when enabled
  ThresholdSource source = ThresholdSource::kDefault;
};

class Thresholds {
 public:
  // The built-in defaults alone.
  Thresholds();
  const Threshold& get(std::string_view name) const;  // KTSTR_CHECK on unknown names
  const std::vector<Threshold>& all() const { return values_; }
  // Applies `layer` as `source` on top of the current values.
  void apply(const ThresholdLayer& layer, ThresholdSource source);

 private:
  std::vector<Threshold> values_;  // check_catalogue() order
};

// defaults < scheduler < test < cli; null layers are skipped.
Thresholds merge_thresholds(const ThresholdLayer* scheduler, const ThresholdLayer* test,
                            const ThresholdLayer* cli = nullptr);

}  // namespace ktstr::check
