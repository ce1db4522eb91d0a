// What `ktstr cleanup` prints about a CleanupReport: one line per removed
// tree (or "nothing to clean up"), or {"removed": [...], "errors": [...]}.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cgroup/cleanup.hpp"

namespace ktstr::cgroup {

std::string render_cleanup_text(const CleanupReport& report);
nlohmann::json cleanup_to_json(const CleanupReport& report);

}  // namespace ktstr::cgroup
