// The work-type registry: every work type's name, parameters, group shape,
// shared-state needs, mode restrictions and loop. `ktstr list work-types`
// and the docs are generated from it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "workload/params.hpp"

namespace ktstr::workload {

struct WorkerContext;

struct WorkTypeDef {
  std::string name;     // snake_case, as on the command line
  std::string family;   // cpu, futex, pipe, process, ...: the source file under work_types/
  std::string summary;  // one line for `ktstr list work-types`
  std::vector<ParamDef> params;
  std::string samples;  // which reservoirs it fills: "", "wake", "cost", "wake+cost"
  // Workers that cooperate as one unit (pair = 2). num_workers must be a multiple.
  std::function<size_t(const ParamValues&)> group_size = [](const ParamValues&) { return 1; };
  // Bytes of MAP_SHARED state per unit (futex words, rings, stamps).
  std::function<size_t(const ParamValues&)> shared_bytes = [](const ParamValues&) { return 0; };
  // Pipes allocated per unit before fork; each is {read_fd, write_fd}.
  std::function<size_t(const ParamValues&)> pipes_per_unit = [](const ParamValues&) { return 0; };
  // Cross-parameter validation (single values are checked by ParamDef).
  std::function<Status(const ParamValues&)> validate = [](const ParamValues&) { return Status{}; };
  bool fork_ok = true;
  bool thread_ok = true;
  bool pcomm_ok = true;
  std::string restriction;         // why a mode is refused, shown in errors and listings
  std::vector<std::string> needs;  // capabilities it degrades without: cap_sys_nice, numa, smt...
  // The loop. Runs until ctx.stopped(); applies nothing itself (settings are
  // applied before), uses ctx.tel for all accounting. A plain function
  // (std::function's invoker would be one more code window for a forked
  // worker to fault in).
  void (*run)(WorkerContext&) = nullptr;
};

class WorkTypeRegistry {
 public:
  // The process-wide registry with every built-in type registered.
  static WorkTypeRegistry& instance();
  void add(WorkTypeDef def);
  const WorkTypeDef* find(const std::string& name) const;
  // Sorted by name.
  std::vector<const WorkTypeDef*> all() const;
  // Closest registered name (edit distance) for "did you mean" messages.
  std::string nearest(const std::string& name) const;

 private:
  std::vector<WorkTypeDef> defs_;
};

// A user-registered C++ work function for the `custom` type (param name=...).
using CustomWorkFn = std::function<void(WorkerContext&)>;
void register_custom_work(const std::string& name, CustomWorkFn fn);
const CustomWorkFn* find_custom_work(const std::string& name);
// Every registered custom name, sorted (for error messages and listings).
std::vector<std::string> custom_work_names();

}  // namespace ktstr::workload
