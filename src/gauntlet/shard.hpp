// Shards: one machine's part of a gauntlet job list. `--shard i/n` (1-based,
// i of n) or the index and count an engine puts into the environment:
//   Kubernetes Indexed Job  JOB_COMPLETION_INDEX (0-based) + total from
//                           --shard-total or KTSTR_SHARD_TOTAL
//   GitLab parallel:        CI_NODE_INDEX / CI_NODE_TOTAL (1-based)
//   Slurm job array         SLURM_ARRAY_TASK_ID (from SLURM_ARRAY_TASK_MIN,
//                           step SLURM_ARRAY_TASK_STEP) / SLURM_ARRAY_TASK_COUNT
//   Buildkite parallelism   BUILDKITE_PARALLEL_JOB (0-based) / _COUNT
// The split is a pure function of the job list and n: every shard computes
// the same partition and runs its own part; together they run each job once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gauntlet/jobs.hpp"
#include "util/result.hpp"

namespace ktstr::gauntlet {

struct ShardSpec {
  int index = 0;  // 0-based
  int total = 1;
  std::string source = "none";  // "--shard", "Kubernetes (JOB_COMPLETION_INDEX)", ...

  std::string label() const;  // "2/4" (1-based)
};

// Reads one environment variable (nullopt when unset); a seam for tests.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup process_env();

// "i/n" with 1 <= i <= n; kInvalidInput naming --shard otherwise.
Result<ShardSpec> parse_shard(std::string_view text);

// The shard from `flag` when given, else from the first engine whose
// variables are set, else 1/1. `total_flag` (--shard-total) is the
// Kubernetes count. A malformed or out-of-range value is kInvalidInput
// naming the variable.
Result<ShardSpec> resolve_shard(std::string_view flag, std::optional<int> total_flag,
                                const EnvLookup& env);

// Every shard's job indices (each ascending): jobs by estimate, longest
// first (ties by id), each to the least-loaded shard (ties: lowest index).
// The heaviest shard exceeds the mean by at most the longest job.
std::vector<std::vector<size_t>> partition_jobs(const std::vector<Job>& jobs, int total);

}  // namespace ktstr::gauntlet
