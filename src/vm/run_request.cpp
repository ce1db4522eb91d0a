#include "vm/run_request.hpp"

#include <nlohmann/json.hpp>

namespace ktstr::vm {

std::string to_json_text(const RunRequest& r) {
  nlohmann::json j = {{"argv", r.argv},
                      {"shell_command", r.shell_command},
                      {"interactive_shell", r.interactive_shell},
                      {"topology", r.topology},
                      {"scheduler_name", r.scheduler_name},
                      {"scheduler_path", r.scheduler_path},
                      {"scheduler_args", r.scheduler_args},
                      {"attach_timeout_ms", r.attach_timeout_ms},
                      {"command_timeout_ms", r.command_timeout_ms},
                      {"stop_on_scheduler_failure", r.stop_on_scheduler_failure},
                      {"failure_grace_ms", r.failure_grace_ms}};
  return j.dump();
}

Result<RunRequest> parse_run_request(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return invalid_input("run request is not a JSON object");
  RunRequest r;
  try {
    r.argv = j.value("argv", std::vector<std::string>{});
    r.shell_command = j.value("shell_command", "");
    r.interactive_shell = j.value("interactive_shell", false);
    r.topology = j.value("topology", "");
    r.scheduler_name = j.value("scheduler_name", "");
    r.scheduler_path = j.value("scheduler_path", "");
    r.scheduler_args = j.value("scheduler_args", std::vector<std::string>{});
    r.attach_timeout_ms = j.value("attach_timeout_ms", r.attach_timeout_ms);
    r.command_timeout_ms = j.value("command_timeout_ms", r.command_timeout_ms);
    r.stop_on_scheduler_failure = j.value("stop_on_scheduler_failure", true);
    r.failure_grace_ms = j.value("failure_grace_ms", r.failure_grace_ms);
  } catch (const nlohmann::json::exception& e) {
    return invalid_input(fmt::format("bad run request field: {}", e.what()));
  }
  return r;
}

}  // namespace ktstr::vm
