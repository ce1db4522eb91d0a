// `ktstr gauntlet`: from the flags to this machine's jobs. Scenarios are
// picked as `ktstr run` picks them, presets by name (or "all"); the matrix
// is expanded and costed, cut to --budget, then split into shards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gauntlet/jobs.hpp"
#include "gauntlet/select.hpp"
#include "gauntlet/shard.hpp"

namespace ktstr::gauntlet {

struct GauntletOptions {
  std::vector<std::string> scenarios;  // names, globs or files; empty: the default set
  std::string filter;
  std::string presets = "all";          // "all" or a comma-separated list of preset names
  std::vector<std::string> schedulers;  // empty: eevdf
  std::vector<std::string> kernels;     // empty: auto
  std::string duration;                 // overrides every scenario's duration
  std::string budget;                   // e.g. "10m"; empty: every job
  uint64_t seed = 0;                    // fill order of --budget
  std::string shard;                    // "i/n"; empty: from the environment
  std::optional<int> shard_total;       // Kubernetes: the Job's completions
};

// The matrix's rows (scenarios) and columns (presets, schedulers, kernels)
// in the order the flags gave them, whatever this shard runs.
struct AxisNames {
  std::vector<std::string> scenarios, presets, schedulers, kernels;
};

struct GauntletPlan {
  JobMatrix matrix;                       // every job (before budget and shard)
  AxisNames axes;                         // rows and columns, in flag order
  std::optional<BudgetSelection> budget;  // when --budget was given
  uint64_t budget_ms = 0;
  ShardSpec shard;
  std::vector<size_t> mine;  // indices into matrix.jobs this shard runs
  uint64_t estimate_ms = 0;  // sum over `mine`
  // This host's measured estimates by index into matrix.jobs (for --list
  // and the ETA; gauntlet/boot_model.hpp); empty: not measured here, the
  // fixed model's Job::estimate_ms, which --budget and --shard always use.
  std::vector<uint64_t> host_estimate_ms;
  size_t measured_samples = 0;  // finished jobs behind host_estimate_ms
  size_t scenario_count = 0, preset_count = 0;
};

// kInvalidInput naming the flag for unknown scenarios/presets, bad
// durations, shards; environment shard variables are read through `env`.
Result<GauntletPlan> plan_gauntlet(const GauntletOptions& o, const EnvLookup& env,
                                   const CostModel& cost = {});

// The preset list of --presets ("all" or names); unknown names suggest the
// nearest one.
Result<std::vector<topo::Preset>> parse_preset_list(const std::string& text);

// `--list`: one line per job with its estimate, the skipped cells, totals.
std::string render_plan_text(const GauntletPlan& plan);
nlohmann::json plan_json(const GauntletPlan& plan);

}  // namespace ktstr::gauntlet
