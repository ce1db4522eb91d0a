#include "gauntlet/host_model.hpp"

#include <set>

#include "util/exit_codes.hpp"
#include "vm/accel.hpp"
#include "vm/cache.hpp"

namespace ktstr::gauntlet {

HostBootModel load_host_boot_model() {
  HostBootModel h;
  h.path = boot_model_path(vm::cache_root());
  auto accel = vm::choose_accel(vm::Accel::kAuto);
  h.accel = vm::accel_name(accel ? accel->accel : vm::Accel::kTcg);
  h.cpu_model = host_cpu_model();
  h.cache = load_boot_model(h.path, h.warning);
  return h;
}

void apply_host_boot_model(GauntletPlan& plan, const HostBootModel& host) {
  std::set<std::string> kernels;
  for (const auto& j : plan.matrix.jobs) kernels.insert(j.kernel);
  set_host_estimates(plan, host_cost_models(host.cache, host.accel, host.cpu_model,
                                            {kernels.begin(), kernels.end()}));
}

std::optional<BootSample> sample_of(const Job& j, const JobOutcome& o) {
  if (o.boot_ms <= 0 || o.accel.empty() || o.exit_code == kExitInterrupted) return std::nullopt;
  return BootSample{j.cpus, o.boot_ms, o.wall_ms, j.duration_ms};
}

Status record_job(const HostBootModel& host, const Job& j, const JobOutcome& o) {
  auto s = sample_of(j, o);
  if (!s || host.path.empty()) return {};
  return record_boot_samples(host.path, {o.accel, j.kernel, host.cpu_model}, {*s});
}

}  // namespace ktstr::gauntlet
