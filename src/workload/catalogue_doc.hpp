// Renderings of the work-type registry: JSON for `ktstr list work-types
// --json`, text for the terminal, Markdown for docs/work-types.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ktstr::workload {

nlohmann::json work_types_json();
std::string work_types_text();
std::string work_types_markdown();

}  // namespace ktstr::workload
