// `ktstr merge`: joins the documents of a gauntlet's shards (`ktstr
// gauntlet ... --json`, one per shard) into one. Shards must come from one
// job list (same matrix fingerprint and shard count); a shard given twice or
// a job in two shards is refused; shards not given are reported.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace ktstr::gauntlet {

struct ShardDocument {
  std::string name;  // the file it came from, for messages
  nlohmann::json doc;
};

struct MergeResult {
  nlohmann::json doc;               // jobs and results of every shard, by job index
  std::vector<int> missing_shards;  // 1-based
  int exit_code = 0;                // worst over the shards' run exit codes (0 for lists)

  // `ktstr merge`'s exit: the worst job's; with shards missing never a pass
  // (4), while a failed job still says fail.
  int command_exit_code() const;
};

// The shard documents at `paths`, each a regular JSON file of at most
// kResultFileMaxBytes (util/input_file.hpp); kInvalidInput naming the file.
Result<std::vector<ShardDocument>> load_shards(const std::vector<std::string>& paths);

// kInvalidInput naming the file for a document that is not a gauntlet
// shard, shards of different job lists, a repeated shard or job.
Result<MergeResult> merge_shards(const std::vector<ShardDocument>& shards);

// "merged 3 of 4 shards: 120 of 160 jobs; missing shard 4/4".
std::string render_merge_text(const MergeResult& m);

}  // namespace ktstr::gauntlet
