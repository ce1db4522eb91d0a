// Scenario files (TOML, docs/scenarios.md) -> validated Scenario.
//
// Every error is kInvalidInput with "<file>:<line>" as context and a
// message naming the key; unknown keys get a "did you mean" suggestion.
#pragma once

#include <string>
#include <string_view>

#include "scenario/model.hpp"

namespace ktstr::scenario {

// Parses `text`; `file` names it in errors and becomes Scenario::source.
Result<Scenario> parse_scenario_toml(std::string_view text, const std::string& file);
// Reads and parses a file (kInvalidInput when it cannot be read).
Result<Scenario> load_scenario_file(const std::string& path);

// Every top-level key, [[cgroup]] key, work key, op name... (for docs/tests).
const std::vector<std::string>& scenario_top_level_keys();

}  // namespace ktstr::scenario
