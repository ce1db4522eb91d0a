#include <nlohmann/json.hpp>

#include "scenario/fingerprint.hpp"
#include "scenario/fingerprint_vm.hpp"
#include "sched/scheduler.hpp"
#include "vm/cache.hpp"

namespace ktstr::scenario {
namespace {

std::map<std::string, std::string> fixtures_of(const vm::KernelInfo& kernel) {
  if (!kernel.schedulers.empty()) return kernel.schedulers;
  const std::string root = vm::cache_root();
  if (root.empty()) return {};
  for (const auto& other : vm::list_kernels(root)) {
    if (!other.schedulers.empty()) return other.schedulers;
  }
  return {};
}

}  // namespace

void add_vm_fingerprint(nlohmann::json& doc, const vm::VmFlags& flags,
                        const vm::KernelInfo& kernel) {
  if (!doc.is_object() || !doc.contains("fingerprint") || !doc["fingerprint"].is_object()) return;
  auto& fp = doc["fingerprint"];
  fp["scheduler_args"] = flags.sched_args;
  auto spec = sched::resolve_scheduler(flags.scheduler, flags.sched_args, fixtures_of(kernel));
  if (spec && !spec->is_eevdf()) {
    auto h = hash_file(spec->path);
    fp["scheduler_binary_hash"] = h ? nlohmann::json(*h) : nlohmann::json();
  }
  if (!kernel.config.empty()) {
    if (auto h = hash_file(kernel.config)) {
      fp["kernel_config_hash"] = *h;
      fp["kernel_config_source"] = "host:" + kernel.config;
    }
  }
}

}  // namespace ktstr::scenario
