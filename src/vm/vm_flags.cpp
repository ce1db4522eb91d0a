#include "vm/vm_flags.hpp"

#include "topology/presets.hpp"
#include "util/duration.hpp"
#include "vm/accel.hpp"
#include "vm/vm_argv.hpp"

namespace ktstr::vm {

Result<VmRequest> vm_request_from_flags(const VmFlags& f) {
  VmRequest req;
  req.kernel = f.kernel;
  auto topology = topo::resolve_topology(f.topology);
  if (!topology) return unexpected(topology.error());
  req.topology = topology->spec.to_string();
  req.memory_mib = topology->memory_mib;
  req.scheduler = f.scheduler;
  req.scheduler_args = f.sched_args;
  auto accel = parse_accel(f.accel);
  if (!accel) return unexpected(accel.error());
  req.accel = *accel;
  if (!f.timeout.empty()) {
    auto ns = parse_duration_ns(f.timeout);
    if (!ns) return unexpected(with_context(ns.error(), "--vm-timeout"));
    req.timeout_ms = *ns / 1000000ULL;
  }
  req.log_dir = f.log_dir;
  return req;
}

Result<VmResult> run_command_in_vm(const VmFlags& flags, const std::vector<std::string>& args) {
  auto req = vm_request_from_flags(flags);
  if (!req) return unexpected(req.error());
  req->argv = strip_vm_flags(args);
  return run_in_vm(*req);
}

Result<VmRequest> shell_request(const VmFlags& flags, const std::string& exec) {
  auto req = vm_request_from_flags(flags);
  if (!req) return unexpected(req.error());
  constexpr uint64_t kInteractiveMs = 24ULL * 3600 * 1000;
  constexpr uint64_t kCommandMs = 300000;
  if (exec.empty()) {
    req->interactive = true;
  } else {
    req->shell_command = exec;
  }
  if (flags.timeout.empty()) req->timeout_ms = exec.empty() ? kInteractiveMs : kCommandMs;
  return req;
}

}  // namespace ktstr::vm
