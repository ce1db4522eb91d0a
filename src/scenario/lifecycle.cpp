#include "scenario/lifecycle.hpp"

#include <cstdlib>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace ktstr::scenario {
namespace {

std::string first_lifecycle_op(const Scenario& s) {
  for (const auto& st : s.steps) {
    for (const auto& op : st.ops) {
      if (is_lifecycle_op(op.kind)) return op_name(op.kind);
    }
  }
  return {};
}

}  // namespace

Result<sched::SchedulerControl*> scheduler_control() {
  static std::optional<sched::SchedulerControl> control;
  if (!control) {
    auto c = sched::SchedulerControl::from_environment();
    if (!c) return unexpected(c.error());
    control.emplace(std::move(*c));
  }
  return &*control;
}

std::string lifecycle_unavailable(const Scenario& s, const std::string& sysfs_root) {
  const std::string op = first_lifecycle_op(s);
  if (op.empty()) return {};
  if (!sched::read_sched_ext_state(sysfs_root).supported) {
    return fmt::format(
        "{} needs sched_ext; sched_ext not available: run with --vm --kernel "
        "sched-ext --scheduler scx_NAME",
        op);
  }
  const char* path = std::getenv(sched::kEnvSchedulerPath);
  if (path == nullptr || *path == '\0') {
    return fmt::format(
        "{} needs a sched_ext scheduler under test started by ktstr: run with "
        "--vm --scheduler scx_NAME",
        op);
  }
  return {};
}

Status check_lifecycle_environment(const std::vector<Scenario>& selected,
                                   const std::string& sysfs_root) {
  for (const auto& s : selected) {
    if (auto why = lifecycle_unavailable(s, sysfs_root); !why.empty()) {
      return environment_error(fmt::format("scenario {}: {}", s.name, why));
    }
  }
  return {};
}

std::vector<std::string> replacement_schedulers(const std::vector<Scenario>& selected) {
  std::set<std::string> out;
  for (const auto& s : selected) {
    for (const auto& st : s.steps) {
      for (const auto& op : st.ops) {
        if (op.kind == Op::Kind::kReplaceScheduler && !op.scheduler.empty()) {
          out.insert(op.scheduler);
        }
      }
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace ktstr::scenario
