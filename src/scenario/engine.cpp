#include "scenario/engine.hpp"

#include <time.h>
#include <unistd.h>

#include <functional>

#include <fmt/format.h>

#include "cgroup/path.hpp"

#include "scenario/control_priority.hpp"
#include "scenario/engine_impl.hpp"
#include "scenario/requirements.hpp"
#include "scenario/resolve.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/fault_inject.hpp"

namespace ktstr::scenario {
namespace detail {
namespace {

constexpr uint64_t kPollNs = 20'000'000;
constexpr uint64_t kProgressEveryNs = 200'000'000;

}  // namespace

Engine::Engine(const Scenario& s, const EngineOptions& o, ScenarioResult& r)
    : s_(s), o_(o), r_(r) {}

uint64_t Engine::elapsed_ns() const {
  return mono_ns() - t0_ns_;
}

bool Engine::interrupted() const {
  return o_.hooks.interrupted && o_.hooks.interrupted();
}

void Engine::progress(size_t step, const std::string& what) const {
  if (!o_.hooks.progress) return;
  o_.hooks.progress(Progress{s_.name, step, steps_total_, elapsed_ns(), duration_ns_, what});
}

void Engine::event(const std::string& kind, const std::string& detail) {
  r_.timeline.push_back(
      TimelineEvent{static_cast<double>(elapsed_ns()) / 1e6, kind, detail, iterations()});
}

void Engine::run() {
  t0_ns_ = mono_ns();
  duration_ns_ = o_.duration_ns.value_or(s_.duration_ns);
  r_.planned_duration_ms = static_cast<double>(duration_ns_) / 1e6;
  seed_ = o_.seed != 0 ? o_.seed : std::hash<std::string>{}(s_.name) + o_.repeat * 7919 + 1;
  steps_total_ = std::max<size_t>(s_.steps.size(), 1);
  r_.scheduler = o_.hooks.health ? o_.hooks.health() : sched::SchedulerHealth::host_default();

  if (o_.topology) {
    topo_ = *o_.topology;
  } else {
    auto t = topo::Topology::from_sysfs();
    if (!t) {
      r_.verdict = check::Verdict::kFail;
      r_.error_kind = t.error().kind;
      r_.error = r_.reason = t.error().describe();
      return;
    }
    topo_ = std::move(*t);
  }
  if (auto missing = missing_payload_program(s_)) {
    r_.verdict = check::Verdict::kFail;
    r_.error_kind = ErrorKind::kEnvironment;
    r_.error = r_.reason = *missing;
    return;
  }
  auto caps = HostCapabilities::probe(*topo_, o_.cgroup_layout);
  if (auto why = first_missing_requirement(s_, caps)) {
    r_.verdict = check::Verdict::kSkip;
    r_.reason = *why;
    return;
  }
  if (auto missing = missing_work_types(s_); !missing.empty()) {
    r_.verdict = check::Verdict::kFail;
    r_.error_kind = ErrorKind::kInvalidInput;
    r_.error = r_.reason = fmt::format(
        "scenario {} uses work type(s) {} that this build of ktstr does not have "
        "(`ktstr list work-types` shows the available ones)",
        s_.name, fmt::join(missing, ", "));
    return;
  }
  noise_start_ = sched::take_noise_snapshot();
  Status st = body();
  if (!st) {
    r_.error_kind = st.error().kind;
    r_.error = st.error().describe();
    event("error", r_.error);
  }
  finish();
  evaluate();
  r_.duration_ms = static_cast<double>(elapsed_ns()) / 1e6;
  note_phases();
}

Status Engine::body() {
  progress(0, "setup");
  if (needs_cgroups(s_)) {
    cgroup::CgroupManager::Options mo;
    mo.layout = o_.cgroup_layout;
    if (!o_.run_tag.empty()) mo.run_name = cgroup::make_run_name(getpid(), o_.run_tag);
    auto m = cgroup::CgroupManager::create(mo);
    if (!m) return unexpected(m.error());
    cgm_.emplace(std::move(*m));
    event("setup", "run tree " + cgm_->path(""));
  }
  for (const auto& c : s_.cgroups) KTSTR_TRY(add_cgroup(c, false));
  for (auto& b : batches_) {
    if (b->handle) b->handle->start();
  }
  released_ns_ = mono_ns();
  monitor_tick(released_ns_, true);
  run_delay_start_ns_ = thread_run_delay_ns();
  event("start", fmt::format("{} worker batch(es) released", batches_.size()));
  inject_fault_at("workers_started");
  const std::vector<Step> implicit(1);
  const auto& steps = s_.steps.empty() ? implicit : s_.steps;
  const auto holds = step_durations_ns(steps, duration_ns_);
  for (size_t i = 0; i < steps.size() && !interrupted() && !health_failed_; ++i) {
    KTSTR_TRY(run_step(i, steps[i], holds[i]));
  }
  run_end_ns_ = mono_ns();
  monitor_tick(run_end_ns_, true);
  run_delay_end_ns_ = thread_run_delay_ns();
  return {};
}

Status Engine::run_step(size_t index, const Step& step, uint64_t hold_ns) {
  const std::string label = fmt::format("step {}/{}", index + 1, steps_total_);
  event("step", fmt::format("{}: {} op(s), hold {} ({})", label, step.ops.size(),
                            format_duration_ns(hold_ns), step.hold.describe()));
  progress(index + 1, label);
  const uint64_t ops_start = mono_ns();
  for (const auto& op : step.ops) KTSTR_TRY(apply(op, false));
  for (const auto& c : step.cgroups) KTSTR_TRY(add_cgroup(c, true));
  PhaseWindow phase{phase_name(step, index), index + 1, current_scheduler_name(), phase_mark(), {}};
  const uint64_t hold_start = mono_ns();
  ops_ns_ += hold_start - ops_start;
  KTSTR_TRY(hold(step, hold_ns, index));
  phase.end = phase_mark();
  phase_windows_.push_back(std::move(phase));
  const uint64_t health_start = mono_ns();
  if (o_.hooks.health) {
    r_.scheduler = o_.hooks.health();
    const bool ok = r_.scheduler.alive && r_.scheduler.attached;
    event("liveness", fmt::format("after {}: scheduler {} {}", label, r_.scheduler.name,
                                  ok ? "alive" : "NOT alive/attached"));
    health_failed_ = !ok;
  }
  ops_ns_ += mono_ns() - health_start;
  return {};
}

Status Engine::hold(const Step& step, uint64_t hold_ns, size_t index) {
  const uint64_t end = mono_ns() + hold_ns;
  const std::optional<uint64_t> every = step.hold.loop_interval_ns;
  uint64_t next_loop = every ? mono_ns() + *every : UINT64_MAX;
  uint64_t next_progress = mono_ns() + kProgressEveryNs;
  const std::string label = fmt::format("step {}/{}", index + 1, steps_total_);
  for (uint64_t now = mono_ns(); now < end; now = mono_ns()) {
    if (interrupted()) {
      r_.interrupted = true;
      event("interrupt", "interrupted; stopping workers and removing cgroups");
      return {};
    }
    if (now >= next_loop) {
      for (const auto& op : step.ops) KTSTR_TRY(apply(op, true));
      next_loop += *every;
    }
    if (now >= next_progress) {
      progress(index + 1, label);
      next_progress = now + kProgressEveryNs;
    }
    monitor_tick(now, false);
    const uint64_t wake = std::min({end, next_loop, now + kPollNs, monitor_due_ns()});
    timespec ts = ns_to_timespec(wake > now ? wake - now : 0);
    nanosleep(&ts, nullptr);
  }
  return {};
}

void Engine::finish() {
  if (released_ns_ != 0 && run_end_ns_ == 0) run_end_ns_ = mono_ns();  // stopped by an error
  progress(0, "collecting");
  if (lifecycle_used_) restore_scheduler();
  if (cgm_) {
    for (auto& [name, c] : cgroups_) {
      if (!c.frozen) continue;
      if (auto st = cgm_->freeze(name, false); !st) r_.warnings.push_back(st.error().describe());
      c.frozen = false;
    }
  }
  for (auto& b : batches_) collect(*b);
  kill_all_payloads();
  collect_end_ns_ = mono_ns();
  // After every worker and payload is reaped: their CPU time is the run's own.
  if (noise_start_) {
    r_.noise = sched::noise_between(*noise_start_, sched::take_noise_snapshot(), run_cpus());
  }
  event("stop", "all workers collected");
  if (cgm_) {
    if (auto st = cgm_->teardown(); !st) {
      r_.warnings.push_back("teardown: " + st.error().describe() +
                            " (`ktstr cleanup` removes what is left)");
    }
    event("teardown", "cgroups removed");
    cgm_.reset();
  }
  teardown_end_ns_ = mono_ns();
  if (interrupted()) r_.interrupted = true;
}

}  // namespace detail

ScenarioResult run_scenario(const Scenario& scenario, const EngineOptions& options) {
  ScenarioResult r;
  r.name = scenario.name;
  r.category = scenario.category;
  r.description = scenario.description;
  r.source = scenario.source;
  r.repeat = options.repeat;
  ControlPriority priority(control_rt_priority(max_worker_rt_priority(scenario)));
  r.phases.control_priority = priority.describe();
  detail::Engine(scenario, options, r).run();
  return r;
}

}  // namespace ktstr::scenario
