// Noise-aware verdicts (docs/scenarios.md "Noise and inconclusive
// verdicts"): a timing-sensitive check (table.hpp) that failed while the host
// was measurably noisy cannot tell a slow scheduler from a busy machine, so
// it becomes inconclusive with the noise evidence next to its own. Hard
// checks (starvation for the whole run, a cpuset escape, a scheduler error
// or stall) fail whatever the noise.
#pragma once

#include <vector>

#include "check/evaluate.hpp"
#include "sched/noise.hpp"

namespace ktstr::check {

// With noise.level "high": every failed timing-sensitive check becomes
// inconclusive, noise_inconclusive set and its detail extended with
// " — inconclusive: host noise high (<evidence>)". Otherwise nothing changes.
void apply_noise(std::vector<CheckResult>& checks, const sched::NoiseReport& noise);

}  // namespace ktstr::check
