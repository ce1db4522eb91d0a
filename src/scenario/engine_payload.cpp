// Engine: external payloads (stress-ng, schbench, any program) started,
// awaited and killed by ops. A payload is a sys::Subprocess in its own
// process group with its output discarded; it dies with the harness
// (parent-death signal), is held before exec until it sits in its cgroup,
// and is killed with its group at the end of the scenario if still running.
#include <algorithm>

#include "scenario/engine_impl.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"

namespace ktstr::scenario::detail {
namespace {

// How often wait_payload looks at the interrupt flag.
constexpr uint64_t kWaitTickMs = 10;

}  // namespace

Status Engine::run_payload(const Op& op) {
  sys::SubprocessOptions opts;
  opts.argv = op.argv;
  opts.stdout_io = sys::Stdio::null();
  opts.stderr_io = sys::Stdio::null();
  opts.hold_until_released = true;
  auto proc = sys::Subprocess::start(std::move(opts));
  if (!proc) {
    if (proc.error().kind == ErrorKind::kEnvironment) {
      return environment_error(
          fmt::format("payload {}: '{}' is not on PATH", op.payload, op.argv.front()));
    }
    return unexpected(with_context(proc.error(), "payload " + op.payload));
  }
  const pid_t pid = proc->pid();
  auto& p = payloads_[op.payload];
  p.proc = std::move(*proc);
  if (!op.cgroup.empty()) KTSTR_TRY(cgm_->move_pids(op.cgroup, {pid}));
  p.proc.release();
  return {};
}

Status Engine::wait_payload(const Op& op) {
  auto& p = payloads_.at(op.payload);
  const uint64_t deadline = mono_ns() + op.timeout_ns;
  std::optional<sys::ExitStatus> st = p.proc.poll();
  for (uint64_t now = mono_ns(); !st && now < deadline && !interrupted(); now = mono_ns()) {
    st = p.proc.wait_for(std::min<uint64_t>(kWaitTickMs, (deadline - now + 999'999) / 1'000'000));
  }
  if (st) {
    event("payload", fmt::format("{} {}", op.payload, st->describe()));
    if (!st->ok()) {
      r_.warnings.push_back(fmt::format("payload {} {}", op.payload, st->describe()));
    }
  } else {
    r_.warnings.push_back(fmt::format("payload {} still running after {}", op.payload,
                                      format_duration_ns(op.timeout_ns)));
  }
  return {};
}

Status Engine::kill_payload(const std::string& name) {
  auto& p = payloads_.at(name);
  if (!p.proc.exit_status()) (void)p.proc.kill_and_wait();
  return {};
}

void Engine::kill_all_payloads() {
  for (auto& [name, p] : payloads_) (void)kill_payload(name);
}

}  // namespace ktstr::scenario::detail
