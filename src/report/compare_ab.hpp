// `ktstr ab`'s comparison and renderings: the two sides' merged run
// documents (scenario/ab.hpp) compared as `ktstr compare` compares two
// files, with the interleaving schedule in the header.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "report/compare.hpp"
#include "scenario/ab.hpp"

namespace ktstr::report {

// compare_runs over the sides (labels in place of file paths).
Result<CompareReport> compare_ab(const scenario::AbRun& run, const CompareOptions& opts);

// The schedule line, each side's scenario runs that did not pass, then the
// compare text.
std::string render_ab_text(const scenario::AbRun& run, const CompareReport& r);

// {"schema_version", "schedule", "rounds", "a": {label, document}, "b": ...,
//  "comparison": compare_to_json} (docs/reports.md "ktstr ab").
nlohmann::json ab_to_json(const scenario::AbRun& run, const CompareReport& r);

}  // namespace ktstr::report
