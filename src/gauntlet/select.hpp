// `--budget`: a deterministic subset of the job list that fits an estimated
// time budget. First a covering pass (every scenario, preset, scheduler and
// kernel in at least one job, cheapest jobs that cover the most first), then
// the remaining jobs in a seeded order as long as they fit. The same jobs,
// budget and seed give the same subset on every machine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gauntlet/jobs.hpp"

namespace ktstr::gauntlet {

struct BudgetSelection {
  std::vector<size_t> picked;  // indices into the job list, ascending
  uint64_t estimate_ms = 0;    // sum of the picked jobs' estimates
  // Axis values no picked job covers because the budget ran out first
  // ("scenario steady", "preset 4cpu-1llc-nosmt").
  std::vector<std::string> uncovered;
};

BudgetSelection select_within_budget(const std::vector<Job>& jobs, uint64_t budget_ms,
                                     uint64_t seed);

// A seeded 64-bit hash of `text` (FNV-1a mixed with splitmix64): the fill
// order, stable across platforms and standard libraries.
uint64_t seeded_hash(const std::string& text, uint64_t seed);

}  // namespace ktstr::gauntlet
