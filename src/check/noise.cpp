#include "check/noise.hpp"

#include "check/table.hpp"

namespace ktstr::check {

void apply_noise(std::vector<CheckResult>& checks, const sched::NoiseReport& noise) {
  if (noise.level != "high") return;
  for (auto& c : checks) {
    if (c.verdict != Verdict::kFail || !timing_sensitive(c.name)) continue;
    c.verdict = Verdict::kInconclusive;
    c.noise_inconclusive = true;
    c.detail += " — inconclusive: host noise high (" + sched::noise_evidence(noise) + ")";
  }
}

}  // namespace ktstr::check
