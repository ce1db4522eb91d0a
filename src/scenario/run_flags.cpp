#include "scenario/run_flags.hpp"

#include <fmt/format.h>

#include "scenario/catalogue.hpp"
#include "scenario/confirm.hpp"
#include "scenario/engine.hpp"
#include "scenario/lifecycle.hpp"
#include "sched/scheduler.hpp"
#include "sys/subprocess.hpp"
#include "util/duration.hpp"
#include "vm/vm_outcome.hpp"
#include "workload/io_devices.hpp"

namespace ktstr::scenario {
namespace {

Result<uint64_t> planned_ms(const RunFlags& f) {
  auto selected = select_scenarios(f.targets, f.filter);
  if (!selected) return unexpected(selected.error());
  uint64_t override_ns = 0;
  if (!f.engine.duration.empty()) {
    auto ns = parse_duration_ns(f.engine.duration);
    if (!ns) return unexpected(with_context(ns.error(), "--duration"));
    override_ns = *ns;
  }
  std::vector<uint64_t> durations_ns;
  for (const auto& s : *selected)
    durations_ns.push_back(override_ns != 0 ? override_ns : s.duration_ns);
  // Every attempt of a confirmed failure needs its time.
  return vm::run_timeout_budget_ms(durations_ns, f.repeat * (1 + confirm_count(f)));
}

}  // namespace

size_t confirm_count(const RunFlags& f) {
  return f.confirm.value_or(f.targets.empty() ? kDefaultSetConfirm : 0);
}

Result<RunLoopOptions> loop_options_from_flags(const RunFlags& f, bool keep_reports) {
  EngineSettings settings = f.engine;
  settings.keep_reports = keep_reports;
  auto engine = make_engine_options(settings);
  if (!engine) return unexpected(engine.error());
  RunLoopOptions loop;
  loop.engine = std::move(*engine);
  loop.repeat = f.repeat;
  loop.confirm = confirm_count(f);
  loop.fail_fast = f.fail_fast;
  loop.strict = f.strict;
  return loop;
}

Result<std::vector<Scenario>> select_for_run(const RunFlags& f) {
  KTSTR_TRY(workload::set_allowed_devices(f.allow_devices));  // before any spec is validated
  auto selected = select_scenarios(f.targets, f.filter);
  if (!selected) return unexpected(selected.error());
  if (selected->empty()) {
    return invalid_input(fmt::format(
        "no scenario matches (filter '{}'); `ktstr list scenarios` shows them all", f.filter));
  }
  return selected;
}

namespace {

// Lifecycle ops need a sched_ext scheduler under test; the binaries their
// replace_scheduler ops name go into the guest too.
Status lifecycle_for_vm(const RunFlags& f, vm::VmRequest& req) {
  auto selected = select_scenarios(f.targets, f.filter);
  if (!selected) return {};  // the run reports the selection error itself
  for (const auto& s : *selected) {
    if (!has_lifecycle_ops(s)) continue;
    if (req.scheduler.empty() || req.scheduler == sched::kEevdf) {
      return invalid_input(
          fmt::format("scenario {} detaches/attaches the scheduler under test, but the "
                      "scheduler is EEVDF: pass --scheduler scx_NAME (and --kernel sched-ext)",
                      s.name),
          "--scheduler");
    }
  }
  req.extra_schedulers = replacement_schedulers(*selected);
  return {};
}

// Every payload program of the selection goes into the initramfs with its
// libraries: at its own absolute path, or as /usr/bin/NAME (on the guest's
// PATH). A known kind's missing program is an environment error naming its
// Debian package; any other missing program makes its scenario skip in the
// guest, as on the host.
Status add_payload_programs(const RunFlags& f, vm::VmRequest& req) {
  auto selected = select_for_run(f);
  if (!selected) return unexpected(selected.error());
  for (const auto& s : *selected) {
    if (auto missing = missing_payload_program(s)) return environment_error(*missing);
    for (const auto& step : s.steps) {
      for (const auto& op : step.ops) {
        if (op.kind != Op::Kind::kRunPayload || op.argv.empty()) continue;
        const std::string& prog = op.argv.front();
        auto host = sys::find_in_path(prog);
        if (!host || (prog.find('/') != std::string::npos && prog.front() != '/')) continue;
        const std::string guest =
            prog.front() == '/' ? prog : "/usr/bin/" + prog.substr(prog.rfind('/') + 1);
        req.extra_binaries.emplace_back(*host, guest);
      }
    }
  }
  return {};
}

}  // namespace

Result<vm::VmRequest> vm_run_request(const vm::VmFlags& vm_flags, const RunFlags& f,
                                     bool keep_reports) {
  if (!f.allow_devices.empty()) {
    return invalid_input("--allow-device is not passed into the VM yet; drop it with --vm",
                         "--allow-device");
  }
  auto req = vm::vm_request_from_flags(vm_flags);
  if (!req) return unexpected(req.error());
  auto budget = planned_ms(f);
  if (!budget) return unexpected(budget.error());
  if (req->timeout_ms == 0) req->timeout_ms = *budget;
  KTSTR_TRY(lifecycle_for_vm(f, *req));
  const auto& e = f.engine;
  req->argv = vm::guest_run_argv(
      {f.targets, e.duration, e.workers, f.filter, f.repeat, e.checks, e.seed, keep_reports,
       f.fail_fast, f.confirm, f.strict, e.ignore_noise, e.monitor_period},
      req->extra_files);
  KTSTR_TRY(add_payload_programs(f, *req));
  return req;
}

}  // namespace ktstr::scenario
