#include "workload/flags.hpp"

#include <fmt/format.h>

#include "util/cpu_list.hpp"
#include "util/duration.hpp"
#include "workload/io_devices.hpp"

namespace ktstr::workload {
namespace {

// Only the flags' own syntax is parsed here; validate_work_spec does every
// field rule.
Status fill_spec(const WorkloadFlags& f, WorkSpec& spec) {
  spec.work.name = f.type;
  spec.num_workers = f.workers;
  for (const auto& kv : f.params) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid_input(fmt::format("'{}' is not key=value (e.g. --param spin_iters=0)", kv),
                           "--param");
    }
    spec.work.params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!f.policy.empty()) {
    auto p = parse_sched_policy(f.policy);
    if (!p) return unexpected(with_context(p.error(), "--policy"));
    spec.sched_policy = *p;
  }
  spec.nice = f.nice;
  if (!f.affinity.empty()) {
    auto cpus = parse_cpu_list(f.affinity);
    if (!cpus) return unexpected(with_context(cpus.error(), "--affinity"));
    spec.affinity.kind = AffinityIntent::Kind::kExact;
    spec.affinity.cpus = *cpus;
  }
  return {};
}

}  // namespace

Result<FlagsWorkload> spec_from_flags(const WorkloadFlags& f, const MachineShape* machine) {
  auto duration = parse_duration_ns(f.duration);
  if (!duration) return unexpected(with_context(duration.error(), "--duration"));
  auto mode = parse_clone_mode(f.clone_mode);
  if (!mode) return unexpected(with_context(mode.error(), "--clone-mode"));
  KTSTR_TRY(set_allowed_devices(f.allow_devices));
  WorkSpec spec;
  if (auto st = fill_spec(f, spec); !st) return unexpected(st.error());
  SpecContext ctx;
  ctx.source = SpecSource::kCli;
  ctx.clone_mode = *mode;
  ctx.label = fmt::format("group 0 ({})", f.type);
  ctx.machine = machine;
  auto group = validate_work_spec(spec, ctx);
  if (!group) return unexpected(group.error());
  return FlagsWorkload{std::move(*group), {*mode, ""}, *duration};
}

}  // namespace ktstr::workload
