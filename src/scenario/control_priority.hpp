// The engine's control thread (the thread in run_scenario: it times the
// holds, applies the ops, probes liveness and collects the workers) runs
// above the workload, so a planned 3 s hold ends near 3 s even with dozens of
// runnable workers per CPU (docs/scenarios.md "Harness deadlines").
//
// Mechanism, first that works:
//  1. SCHED_FIFO at `rt_priority` (CAP_SYS_NICE / root);
//  2. nice -20 (RLIMIT_NICE permitting; a strong CFS/EEVDF weight, no RT);
//  3. unchanged (the result says so).
// Both raises set SCHED_RESET_ON_FORK, so every task forked afterwards
// (workers, payloads) starts at SCHED_OTHER nice >= 0, whatever policy it
// then takes for itself; the workload is never raised with the harness.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scenario/model.hpp"

namespace ktstr::scenario {

class ControlPriority {
 public:
  // Raises the calling thread; `rt_priority` 1..99 for SCHED_FIFO.
  explicit ControlPriority(int rt_priority);
  // Restores the policy, priority and nice the thread had.
  ~ControlPriority();
  ControlPriority(const ControlPriority&) = delete;
  ControlPriority& operator=(const ControlPriority&) = delete;

  // "SCHED_FIFO 1", "nice -20 (SCHED_FIFO: Operation not permitted)",
  // "normal (no CAP_SYS_NICE: SCHED_FIFO and nice -20 refused)".
  const std::string& describe() const { return what_; }

 private:
  int old_policy_ = 0;
  int old_rt_priority_ = 0;
  int old_nice_ = 0;
  bool changed_ = false;
  std::string what_;
};

// The SCHED_FIFO priority for a scenario whose work groups run at most at
// `max_worker_rt_priority` (0 = no RT worker): one above it, capped at 99.
int control_rt_priority(int max_worker_rt_priority);

// The highest SCHED_FIFO/RR priority a worker of `s` can take: its work
// groups' `policy`, an explicit `rt_priority` parameter, and 70 for work
// types that raise themselves (those needing cap_sys_nice: the rt family's
// fixed tiers go up to priority_inversion's FIFO 70). 0 when none.
int max_worker_rt_priority(const Scenario& s);
int max_worker_rt_priority(const workload::WorkSpec& spec);

// The calling thread's schedstat run delay (ns waited for a CPU); nullopt
// without schedstats.
std::optional<uint64_t> thread_run_delay_ns();

}  // namespace ktstr::scenario
