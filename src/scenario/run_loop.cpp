#include "scenario/run_loop.hpp"

#include <algorithm>
#include <ctime>
#include <memory>

#include <fmt/format.h>

#include "scenario/confirm.hpp"
#include "scenario/dead_runs.hpp"
#include "scenario/fingerprint.hpp"
#include "scenario/interrupt.hpp"
#include "scenario/lifecycle.hpp"
#include "scenario/requirements.hpp"
#include "sched/health.hpp"
#include "sched/host_probe.hpp"
#include "sched/kmsg.hpp"
#include "sched/noise.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/exit_codes.hpp"
#include "util/version.hpp"

namespace ktstr::scenario {
namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// One scenario run: the first attempt, then up to o.confirm more while its
// failure is confirmable and no attempt failed hard; folded into one result.
ScenarioResult run_with_confirm(const Scenario& s, const RunLoopOptions& o, size_t rep,
                                size_t index, size_t total) {
  std::vector<ScenarioResult> attempts;
  for (size_t a = 0; a <= o.confirm; ++a) {
    auto opts = o.engine;
    opts.repeat = rep;
    opts.run_tag = a == 0 ? fmt::format("r{}", index) : fmt::format("r{}a{}", index, a + 1);
    if (o.progress) {
      opts.hooks.progress = [&o, index, total, a](const Progress& p) {
        if (a == 0) return o.progress(p, index, total);
        Progress q = p;
        q.what = fmt::format("confirm {}/{}: {}", a, o.confirm, p.what);
        o.progress(q, index, total);
      };
    }
    attempts.push_back(run_scenario(s, opts));
    const auto& last = attempts.back();
    if (last.interrupted || interrupted()) break;
    if (a == 0 ? !confirmable(last) : hard_failure(last)) break;
  }
  return fold_attempts(std::move(attempts));
}

// The entry of a scenario --fail-fast did not run.
ScenarioResult not_run(const Scenario& s, size_t rep) {
  ScenarioResult r;
  r.name = s.name;
  r.category = s.category;
  r.description = s.description;
  r.source = s.source;
  r.repeat = rep;
  r.verdict = check::Verdict::kSkip;
  r.reason = "not run: --fail-fast";
  return r;
}

}  // namespace

Result<EngineOptions> make_engine_options(const EngineSettings& o) {
  EngineOptions e;
  if (!o.duration.empty()) {
    auto ns = parse_duration_ns(o.duration);
    if (!ns) return unexpected(with_context(ns.error(), "--duration"));
    if (*ns == 0) return invalid_input("--duration must be > 0");
    e.duration_ns = *ns;
  }
  if (o.workers && *o.workers == 0) return invalid_input("--workers must be >= 1");
  e.workers = o.workers;
  for (const auto& kv : o.checks) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      return invalid_input(fmt::format("'{}' is not NAME=VALUE (e.g. --check max_gap_ms=500)", kv),
                           "--check");
    }
    auto st = e.cli_checks.set_text(kv.substr(0, eq), kv.substr(eq + 1));
    if (!st) return unexpected(with_context(st.error(), "--check"));
  }
  e.keep_reports = o.keep_reports;
  e.ignore_noise = o.ignore_noise;
  if (!o.monitor_period.empty()) {
    auto ns = parse_duration_ns(o.monitor_period);
    if (!ns) return unexpected(with_context(ns.error(), "--monitor-period"));
    if (*ns < sched::kMinMonitorPeriodNs || *ns > sched::kMaxMonitorPeriodNs) {
      return invalid_input(
          fmt::format("--monitor-period {} is out of range: give 10ms..10s", o.monitor_period),
          "--monitor-period");
    }
    e.monitor_period_ns = *ns;
  }
  e.seed = o.seed;
  e.hooks.interrupted = [] { return interrupted(); };
  // With a sched_ext scheduler attached at the start (the VM guest case),
  // scheduler_alive follows it.
  if (auto watch = sched::SchedExtWatch::on_attached()) {
    // The kernel log says how it ended (exit kinds); lines from before this
    // run belong to earlier schedulers.
    auto kmsg = std::make_shared<sched::KmsgReader>();
    (void)kmsg->read_available();
    auto seen = std::make_shared<sched::SchedulerHealth>();
    seen->name = watch->ops();
    seen->sched_ext = true;
    e.hooks.health = [watch = *watch, kmsg, seen] {
      sched::SchedulerHealth& h = *seen;
      for (const auto& r : kmsg->read_available()) sched::apply_kmsg_line(h, r.message);
      const std::string lost = watch.lost_reason();
      if (!lost.empty() && h.exit_reason.empty()) h.exit_reason = lost;
      h.attached = lost.empty();
      h.alive = h.attached;
      sched::classify_exit(h);
      return h;
    };
  }
  return e;
}

Status check_run_environment(const std::vector<Scenario>& selected) {
  KTSTR_TRY(check_lifecycle_environment(selected));
  if (std::none_of(selected.begin(), selected.end(), needs_cgroups)) return {};
  auto topo = topo::Topology::from_sysfs();
  if (!topo) return unexpected(topo.error());
  auto caps = HostCapabilities::probe(*topo);
  if (caps.cgroup_layout) return {};
  return environment_error("the selected scenarios create cgroups, but " + caps.cgroup_problem);
}

RunResult run_scenarios(const std::vector<Scenario>& selected, const RunLoopOptions& o) {
  install_interrupt_handlers();
  sweep_dead_runs_quietly();
  RunResult run;
  run.ktstr_version = kVersion;
  run.started_at = utc_now();
  run.host = sched::probe_host_facts();
  const uint64_t t0 = mono_ns();
  const auto noise_start = sched::take_noise_snapshot();
  const size_t total = selected.size() * o.repeat;
  size_t index = 0;
  bool failed_fast = false;
  for (const auto& s : selected) {
    for (size_t rep = 0; rep < o.repeat && !run.interrupted; ++rep) {
      if (failed_fast) {
        run.scenarios.push_back(not_run(s, rep));
        continue;
      }
      ++index;
      auto r = run_with_confirm(s, o, rep, index, total);
      if (o.done) o.done(r, index, total);
      const bool failed =
          r.verdict == check::Verdict::kFail || (o.strict && r.verdict == check::Verdict::kFlaky);
      run.interrupted = run.interrupted || r.interrupted || interrupted();
      run.scenarios.push_back(std::move(r));
      failed_fast = failed && o.fail_fast;
    }
    if (run.interrupted) break;
  }
  run.duration_ms = static_cast<double>(mono_ns() - t0) / 1e6;
  run.fingerprint = probe_fingerprint(run.host);
  run.fingerprint->workers_override = o.engine.workers;
  add_scenarios(*run.fingerprint, selected, {o.engine.duration_ns, o.engine.cli_checks},
                run.scenarios);
  run.noise = sched::noise_between(noise_start, sched::take_noise_snapshot(), {});
  for (const auto& r : run.scenarios) run.verdict = check::worst(run.verdict, r.verdict);
  run.confirm = o.confirm;
  run.strict = o.strict;
  run.exit_code = run_exit_code(run, o.strict);
  return run;
}

int run_exit_code(const RunResult& run, bool strict) {
  using check::Verdict;
  if (run.interrupted) return kExitInterrupted;
  bool invalid = false, failed = false, env = false, inconclusive = false, skipped = false,
       flaky = false;
  for (const auto& r : run.scenarios) {
    invalid = invalid || r.error_kind == ErrorKind::kInvalidInput;
    env = env || r.error_kind == ErrorKind::kEnvironment;
    failed = failed || (r.verdict == Verdict::kFail && r.error_kind != ErrorKind::kInvalidInput &&
                        r.error_kind != ErrorKind::kEnvironment);
    inconclusive = inconclusive || r.verdict == Verdict::kInconclusive;
    skipped = skipped || r.verdict == Verdict::kSkip;
    flaky = flaky || r.verdict == Verdict::kFlaky;
  }
  if (invalid) return kExitInvalid;
  if (failed || (strict && flaky)) return kExitFail;
  if (env || (strict && skipped)) return kExitEnvironment;
  if (inconclusive || flaky) return kExitInconclusive;
  return kExitPass;
}

}  // namespace ktstr::scenario
