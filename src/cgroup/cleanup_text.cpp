#include "cgroup/cleanup_text.hpp"

#include <fmt/format.h>

namespace ktstr::cgroup {

std::string render_cleanup_text(const CleanupReport& report) {
  std::string out;
  for (const auto& t : report.removed) {
    out += fmt::format("removed {} (pid {} is gone, {} task(s) killed, {} moved out)\n", t.path,
                       t.pid, t.tasks_killed, t.tasks_moved);
  }
  if (report.removed.empty() && report.errors.empty()) out += "nothing to clean up\n";
  return out;
}

nlohmann::json cleanup_to_json(const CleanupReport& report) {
  nlohmann::json out = {{"removed", nlohmann::json::array()}, {"errors", nlohmann::json::array()}};
  for (const auto& t : report.removed) {
    out["removed"].push_back({{"path", t.path},
                              {"pid", t.pid},
                              {"tasks_killed", t.tasks_killed},
                              {"tasks_moved", t.tasks_moved}});
  }
  for (const auto& e : report.errors) out["errors"].push_back(e.describe());
  return out;
}

}  // namespace ktstr::cgroup
