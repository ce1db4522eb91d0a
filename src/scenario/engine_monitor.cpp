// Engine: the in-run monitor (sched/monitor.hpp) over the live workers, and
// the stranded-task findings from its samples (check/stranded.hpp).
#include "scenario/engine_impl.hpp"

namespace ktstr::scenario::detail {

// Findings kept in the result (the longest first); the check sees all.
constexpr size_t kMaxStrandedInResult = 50;

void Engine::monitor_tick(uint64_t now_ns, bool force) {
  if (!monitor_) {
    // t = 0 is the scenario start, as for the timeline events.
    monitor_.emplace(sched::Monitor::Options{.period_ns = o_.monitor_period_ns}, t0_ns_);
  }
  if (!force && now_ns < monitor_->next_due_ns()) return;
  std::vector<sched::MonitoredTask> tasks;
  for (const auto& b : batches_) {
    if (b->collected || !b->handle) continue;
    const auto pids = b->handle->worker_pids();
    for (size_t i = 0; i < pids.size(); ++i) {
      if (pids[i] > 0) tasks.push_back({b->label, i, pids[i]});
    }
  }
  monitor_->sample(now_ns, tasks);
}

uint64_t Engine::monitor_due_ns() const {
  return monitor_ ? monitor_->next_due_ns() : UINT64_MAX;
}

const std::vector<check::StrandedFinding>* Engine::monitor_findings(const check::Thresholds& t) {
  if (!monitor_) return nullptr;
  const auto& tl = monitor_->timeline();
  r_.monitor = sched::summarize(tl);
  if (tl.samples.size() < 2) return nullptr;
  check::StrandedOptions so;
  const auto& th = t.get("max_stranded_ms");
  if (th.enabled) so.bound_ms = th.limit;
  stranded_ = check::find_stranded(tl, so);
  r_.stranded = *stranded_;
  if (r_.stranded.size() > kMaxStrandedInResult) r_.stranded.resize(kMaxStrandedInResult);
  return &*stranded_;
}

}  // namespace ktstr::scenario::detail
