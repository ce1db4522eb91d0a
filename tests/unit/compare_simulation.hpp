// Simulated scenario results for the compare statistics tests: every
// metric drawn from its own normal distribution, seeded by the caller.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "scenario/result.hpp"

namespace ktstr::test {

// Per scenario and repeat: every metric of the catalogue drawn from its
// own distribution (sd 8% of the mean); `wake_scale` multiplies the p99
// wake latency (1 = the same distribution on both sides).
inline scenario::ScenarioResult simulated_scenario(std::mt19937_64& rng, const std::string& name,
                                                   size_t repeat, double wake_scale = 1) {
  std::normal_distribution<double> noise(1.0, 0.08);
  scenario::ScenarioResult s;
  s.name = name;
  s.repeat = repeat;
  s.planned_duration_ms = 2000;
  check::CgroupStats c;
  c.name = "cg_0";
  c.workers = c.completed = 4;
  c.wake_samples = 1000;
  c.schedstat_available = true;
  c.run_delay_mean_ms = 20 * noise(rng);
  c.iterations = static_cast<uint64_t>(200000 * noise(rng));
  s.stats.cgroups = {c};
  auto& st = s.stats.scenario;
  st.workers = 4;
  st.iterations = c.iterations;
  st.max_spread_pct = 5 * noise(rng);
  st.off_cpu_pct_max = 20 * noise(rng);
  st.max_gap_ms = 15 * noise(rng);
  st.worst_wake_p50_ns = static_cast<uint64_t>(30000 * noise(rng));
  st.worst_wake_p99_ns = static_cast<uint64_t>(120000 * noise(rng) * wake_scale);
  st.run_delay_worst_ms = 30 * noise(rng);
  st.min_work_rate = 900 * noise(rng);
  st.max_throughput_cv = 0.05 * noise(rng);
  st.max_migration_ratio = 0.001 * noise(rng);
  return s;
}

}  // namespace ktstr::test
