// Helpers for integration tests that run real workloads briefly.
#pragma once

#include <time.h>

#include <string>
#include <vector>

#include "util/clock.hpp"
#include "workload/handle.hpp"

namespace ktstr::testing {

// Spawns `config`, starts it, lets it run for `run_ns`, collects. Fails the
// calling test (via the returned error) when spawn fails.
inline Result<std::vector<workload::WorkerReport>> run_workload_for(
    const workload::WorkloadConfig& config, uint64_t run_ns) {
  auto h = workload::WorkloadHandle::spawn(config);
  if (!h) return unexpected(h.error());
  h->start();
  timespec ts = ns_to_timespec(run_ns);
  while (nanosleep(&ts, &ts) != 0) {
  }
  return h->stop_and_collect();
}

// Shorthand: `workers` of `type` with params, fork mode unless told.
inline workload::WorkloadConfig make_config(const std::string& type, size_t workers,
                                            std::map<std::string, std::string> params = {},
                                            workload::CloneMode mode = workload::CloneMode::kFork) {
  workload::WorkloadConfig c;
  c.work.name = type;
  c.work.params = std::move(params);
  c.num_workers = workers;
  c.clone_mode = mode;
  return c;
}

}  // namespace ktstr::testing
