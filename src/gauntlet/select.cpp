#include "gauntlet/select.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace ktstr::gauntlet {
namespace {

// The axis values a job covers: scenario and preset count double so the
// covering pass prefers jobs that bring a new one of those.
constexpr std::array<int, 4> kWeights = {2, 2, 1, 1};

struct CoverIndex {
  std::vector<std::string> names;           // key id -> "scenario steady", ...
  std::vector<std::array<size_t, 4>> keys;  // per job: its four key ids
};

CoverIndex index_keys(const std::vector<Job>& jobs) {
  CoverIndex ix;
  std::map<std::string, size_t> ids;
  auto id = [&](std::string name) {
    auto [it, fresh] = ids.emplace(name, ix.names.size());
    if (fresh) ix.names.push_back(std::move(name));
    return it->second;
  };
  for (const auto& j : jobs) {
    ix.keys.push_back({id("scenario " + j.scenario), id("preset " + j.preset),
                       id("scheduler " + j.scheduler), id("kernel " + j.kernel)});
  }
  return ix;
}

// Index of the affordable unpicked job with the highest gain (then the
// lowest estimate, then the lowest index), or jobs.size().
size_t best_cover(const std::vector<Job>& jobs, const CoverIndex& ix,
                  const std::vector<bool>& picked, const std::vector<bool>& covered,
                  uint64_t left_ms) {
  size_t best = jobs.size();
  int best_gain = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (picked[i] || jobs[i].estimate_ms > left_ms) continue;
    int g = 0;
    for (size_t k = 0; k < 4; ++k) g += covered[ix.keys[i][k]] ? 0 : kWeights[k];
    if (g > best_gain ||
        (g == best_gain && g > 0 && jobs[i].estimate_ms < jobs[best].estimate_ms)) {
      best = i;
      best_gain = g;
    }
  }
  return best;
}

}  // namespace

uint64_t seeded_hash(const std::string& text, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

BudgetSelection select_within_budget(const std::vector<Job>& jobs, uint64_t budget_ms,
                                     uint64_t seed) {
  BudgetSelection sel;
  const CoverIndex ix = index_keys(jobs);
  std::vector<bool> picked(jobs.size(), false);
  std::vector<bool> covered(ix.names.size(), false);
  auto take = [&](size_t i) {
    picked[i] = true;
    sel.estimate_ms += jobs[i].estimate_ms;
    for (size_t k : ix.keys[i]) covered[k] = true;
  };
  for (;;) {
    size_t i = best_cover(jobs, ix, picked, covered, budget_ms - sel.estimate_ms);
    if (i == jobs.size()) break;
    take(i);
  }
  std::vector<std::pair<uint64_t, size_t>> fill;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!picked[i]) fill.emplace_back(seeded_hash(jobs[i].id(), seed), i);
  }
  std::sort(fill.begin(), fill.end());
  for (const auto& [rank, i] : fill) {
    if (jobs[i].estimate_ms <= budget_ms - sel.estimate_ms) take(i);
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (picked[i]) sel.picked.push_back(i);
  }
  for (size_t k = 0; k < ix.names.size(); ++k) {
    if (!covered[k]) sel.uncovered.push_back(ix.names[k]);
  }
  return sel;
}

}  // namespace ktstr::gauntlet
