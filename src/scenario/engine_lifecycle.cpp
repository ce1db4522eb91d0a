// Engine: scheduler lifecycle ops (scenario/lifecycle.hpp). Each op is
// recorded (r_.lifecycle and the timeline) confirmed or not; an unconfirmed
// one stops the scenario with the evidence as its error.
#include "scenario/engine_impl.hpp"
#include "scenario/lifecycle.hpp"

namespace ktstr::scenario::detail {

Status Engine::lifecycle_op(const Op& op, bool in_loop) {
  auto control = scheduler_control();
  if (!control) return unexpected(with_context(control.error(), describe(op)));
  lifecycle_used_ = true;
  sched::SchedulerControl& c = **control;
  const double at_ms = static_cast<double>(elapsed_ns()) / 1e6;
  sched::LifecycleRecord rec;
  switch (op.kind) {
    case Op::Kind::kDetachScheduler:
      rec = c.detach(op.timeout_ns);
      break;
    case Op::Kind::kAttachScheduler:
      rec = c.attach(op.timeout_ns);
      break;
    case Op::Kind::kReplaceScheduler: {
      auto path = c.resolve_binary(op.scheduler);
      if (!path) return unexpected(with_context(path.error(), describe(op)));
      rec = c.replace({*path, op.sched_args.value_or(c.current().args)}, op.timeout_ns);
      rec.op = op_name(op.kind);
      break;
    }
    default:
      rec = c.restart(op.timeout_ns);
      break;
  }
  rec.at_ms = at_ms;
  r_.lifecycle.push_back(rec);
  event(in_loop ? "loop" : "op", rec.describe());
  if (!rec.confirmed) {
    return make_error(ErrorKind::kRuntime,
                      fmt::format("{} not confirmed by the kernel: {}", rec.op, rec.evidence));
  }
  return {};
}

// A later scenario of this run must find the scheduler it was started with.
void Engine::restore_scheduler() {
  auto control = scheduler_control();
  if (!control) return;
  const double at_ms = static_cast<double>(elapsed_ns()) / 1e6;
  auto rec = (*control)->restore(kLifecycleTimeoutNs);
  if (!rec) return;
  rec->at_ms = at_ms;
  r_.lifecycle.push_back(*rec);
  event("op", rec->describe());
  if (!rec->confirmed && r_.error.empty()) {
    r_.error_kind = ErrorKind::kRuntime;
    r_.error = "restoring the scheduler under test failed: " + rec->evidence;
  }
}

}  // namespace ktstr::scenario::detail
