// `ktstr gauntlet --rerun-failed FILE`: the jobs of a previous gauntlet
// result (one shard's document or a merged one) that did not pass, planned
// again with the same scenario, preset, scheduler, kernel and duration.
// Rerun: every job whose verdict is neither pass nor skip (fail, flaky,
// inconclusive, error, invalid, interrupted) and every listed job without a
// result (not run). Skipped cells are not rerun: the preset still cannot
// meet the scenario.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gauntlet/plan.hpp"

namespace ktstr::gauntlet {

struct RerunSelection {
  std::string source;                           // the document's path, for messages
  std::vector<std::string> ids;                 // the jobs to rerun, in job order
  size_t jobs = 0;                              // jobs in the document
  std::map<std::string, size_t> verdicts;       // the rerun jobs per verdict ("not run" included)
  std::map<std::string, uint64_t> duration_ms;  // every job's planned duration, by id
  GauntletOptions options;                      // the axes and duration that reproduce them
};

// kInvalidInput (context `source`) for a document that is not a gauntlet
// result: a `ktstr run` document, a `--list` document (no results), a
// malformed one.
Result<RerunSelection> select_reruns(const nlohmann::json& doc, const std::string& source);

struct RerunPlan {
  RerunSelection selection;
  GauntletPlan plan;  // only the selected jobs; empty when nothing is to rerun
};

// Reads `path` (a bounded regular file, as `ktstr merge` does), selects the
// jobs and plans them; `base` may give only the shard (--shard,
// --shard-total): the flags that choose jobs are kInvalidInput with
// --rerun-failed. Shards split the reruns as they split a gauntlet.
Result<RerunPlan> plan_rerun(const std::string& path, const GauntletOptions& base,
                             const EnvLookup& env, const CostModel& cost = {});

// "rerunning 3 of 12 jobs from all.json (2 fail, 1 flaky)" or
// "nothing to rerun: all 12 jobs in all.json passed or were skipped".
std::string render_rerun_line(const RerunPlan& r);

}  // namespace ktstr::gauntlet
