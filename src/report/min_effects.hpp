// `ktstr compare --min-effect METRIC=VALUE` specs, parsed into the map
// CompareOptions takes (VALUE as in parse_min_effect: "2" or "10%").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "report/metrics.hpp"
#include "util/result.hpp"

namespace ktstr::report {

// Invalid input naming the spec (context "--min-effect ...") on a malformed one.
Result<std::map<std::string, MinEffect>> parse_min_effects(const std::vector<std::string>& specs);

}  // namespace ktstr::report
