// `ktstr compare --min-effect METRIC=VALUE` specs, parsed into the map
// CompareOptions takes (VALUE as in parse_min_effect: "2" or "10%").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "report/compare.hpp"
#include "report/metrics.hpp"
#include "util/result.hpp"

namespace ktstr::report {

// Invalid input naming the spec (context "--min-effect ...") on a malformed one.
Result<std::map<std::string, MinEffect>> parse_min_effects(const std::vector<std::string>& specs);

// `ktstr compare A B` as given on the command line.
struct CompareFiles {
  std::string a, b;                      // run documents (baseline, candidate)
  std::vector<std::string> min_effects;  // METRIC=VALUE
  CompareOptions options;                // min_effects filled from the specs above
};

// Loads both documents, parses the min effects and compares. Every failure,
// an unreadable file included, is kInvalidInput: bad input is exit 2.
Result<CompareReport> compare_files(const CompareFiles& f);

}  // namespace ktstr::report
