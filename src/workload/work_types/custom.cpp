// custom: runs a C++ function registered with register_custom_work(name, fn).
// The function is the worker loop: it gets the whole WorkerContext (stop
// flag, CPUs, unit position, cgroup dir, telemetry) and should return once
// ctx.stopped() is true. In Fork mode anything it forks stays in the
// worker's process group and is killed with it at teardown.
#include <fmt/format.h>

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

std::string registered_list() {
  std::string out;
  for (const auto& n : custom_work_names()) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none are registered" : "registered: " + out;
}

Status validate_custom(const ParamValues& p) {
  const std::string& name = p.get_str("name");
  if (name.empty()) {
    return invalid_input(fmt::format(
        "param name is empty; register a function with register_custom_work(name, fn) and pass "
        "name=<that name> ({})",
        registered_list()));
  }
  if (find_custom_work(name) == nullptr) {
    return invalid_input(
        fmt::format("param name={}: no custom work function has that name ({}); register it "
                    "with register_custom_work before spawning",
                    name, registered_list()));
  }
  return {};
}

void run_custom(WorkerContext& ctx) {
  const std::string& name = ctx.params->get_str("name");
  // Copied so a later re-registration cannot swap the function mid-call.
  CustomWorkFn fn;
  if (const CustomWorkFn* found = find_custom_work(name)) fn = *found;
  if (!fn) {
    ctx.tel->warn(fmt::format("custom work function '{}' is no longer registered; idling", name));
    while (!ctx.stopped()) sleep_ns(ctx, kStopPollNs);
    return;
  }
  fn(ctx);
}

}  // namespace

void register_custom_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "custom",
           .family = "custom",
           .summary = "runs the C++ function registered under `name` (register_custom_work) as "
                      "the worker loop",
           .params = {{"name", ParamKind::kString, "", "registered custom function to run"}},
           .samples = "any",
           .validate = validate_custom,
           .run = run_custom});
}

}  // namespace ktstr::workload
