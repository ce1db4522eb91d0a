#include "workload/work_type.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "util/suggest.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {

WorkTypeRegistry& WorkTypeRegistry::instance() {
  static WorkTypeRegistry* reg = [] {
    auto* r = new WorkTypeRegistry();
    register_builtin_work_types(*r);
    return r;
  }();
  return *reg;
}

void WorkTypeRegistry::add(WorkTypeDef def) {
  defs_.push_back(std::move(def));
}

const WorkTypeDef* WorkTypeRegistry::find(const std::string& name) const {
  for (const auto& d : defs_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::vector<const WorkTypeDef*> WorkTypeRegistry::all() const {
  std::vector<const WorkTypeDef*> out;
  for (const auto& d : defs_) out.push_back(&d);
  std::sort(out.begin(), out.end(),
            [](const WorkTypeDef* a, const WorkTypeDef* b) { return a->name < b->name; });
  return out;
}

namespace {

std::mutex& custom_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, CustomWorkFn>& custom_map() {
  static std::map<std::string, CustomWorkFn> m;
  return m;
}

}  // namespace

std::string WorkTypeRegistry::nearest(const std::string& name) const {
  // Always the closest name (even a far one): the message lists them all anyway.
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& d : defs_) {
    size_t dist = edit_distance(name, d.name);
    if (dist < best_d) {
      best_d = dist;
      best = d.name;
    }
  }
  return best;
}

void register_custom_work(const std::string& name, CustomWorkFn fn) {
  std::lock_guard lock(custom_mutex());
  custom_map()[name] = std::move(fn);
}

const CustomWorkFn* find_custom_work(const std::string& name) {
  std::lock_guard lock(custom_mutex());
  auto it = custom_map().find(name);
  return it == custom_map().end() ? nullptr : &it->second;
}

std::vector<std::string> custom_work_names() {
  std::lock_guard lock(custom_mutex());
  std::vector<std::string> names;
  for (const auto& [name, fn] : custom_map()) names.push_back(name);
  return names;
}

}  // namespace ktstr::workload
