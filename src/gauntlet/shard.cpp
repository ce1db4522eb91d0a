#include "gauntlet/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace ktstr::gauntlet {
namespace {

// A shard count far beyond any CI matrix; guards typos.
constexpr long kMaxShards = 100000;

std::optional<long> whole_number(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<long> env_number(const EnvLookup& env, const char* name, std::string_view what) {
  auto text = env(name);
  if (!text) return invalid_input(fmt::format("{} is not set; it gives the {}", name, what), name);
  auto v = whole_number(*text);
  if (!v) {
    return invalid_input(
        fmt::format("{}='{}' is not a whole number; it should give the {}", name, *text, what),
        name);
  }
  return *v;
}

// index (0-based after `base` is subtracted) and total, range-checked.
Result<ShardSpec> make_shard(long index, long base, long total, const std::string& index_var,
                             const std::string& total_var, std::string source) {
  if (total < 1 || total > kMaxShards) {
    return invalid_input(fmt::format("the shard total {} is out of range 1..{}", total, kMaxShards),
                         total_var);
  }
  if (index < base || index - base >= total) {
    return invalid_input(fmt::format("shard index {} is out of range {}..{} (total {} from {})",
                                     index, base, base + total - 1, total, total_var),
                         index_var);
  }
  return ShardSpec{static_cast<int>(index - base), static_cast<int>(total), std::move(source)};
}

Result<ShardSpec> kubernetes(const EnvLookup& env, std::optional<int> total_flag) {
  auto index = env_number(env, "JOB_COMPLETION_INDEX", "shard index");
  if (!index) return unexpected(index.error());
  std::string total_var = "--shard-total";
  long total = total_flag.value_or(0);
  if (!total_flag) {
    if (!env("KTSTR_SHARD_TOTAL")) {
      return invalid_input(
          "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard total is not: "
          "pass --shard-total N or set KTSTR_SHARD_TOTAL to the Job's completions",
          "JOB_COMPLETION_INDEX");
    }
    auto t = env_number(env, "KTSTR_SHARD_TOTAL", "shard total");
    if (!t) return unexpected(t.error());
    total = *t;
    total_var = "KTSTR_SHARD_TOTAL";
  }
  return make_shard(*index, 0, total, "JOB_COMPLETION_INDEX", total_var,
                    "Kubernetes (JOB_COMPLETION_INDEX)");
}

Result<ShardSpec> slurm(const EnvLookup& env) {
  auto id = env_number(env, "SLURM_ARRAY_TASK_ID", "array task id");
  if (!id) return unexpected(id.error());
  auto count = env_number(env, "SLURM_ARRAY_TASK_COUNT", "number of array tasks");
  if (!count) return unexpected(count.error());
  long min = 0, step = 1;
  if (env("SLURM_ARRAY_TASK_MIN")) {
    auto m = env_number(env, "SLURM_ARRAY_TASK_MIN", "lowest array task id");
    if (!m) return unexpected(m.error());
    min = *m;
  }
  if (env("SLURM_ARRAY_TASK_STEP")) {
    auto s = env_number(env, "SLURM_ARRAY_TASK_STEP", "array step");
    if (!s) return unexpected(s.error());
    if (*s < 1) return invalid_input("the array step must be at least 1", "SLURM_ARRAY_TASK_STEP");
    step = *s;
  }
  if (*id < min || (*id - min) % step != 0) {
    return invalid_input(
        fmt::format("array task id {} is not in the array {}-..:{}", *id, min, step),
        "SLURM_ARRAY_TASK_ID");
  }
  return make_shard((*id - min) / step, 0, *count, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
                    "Slurm (SLURM_ARRAY_TASK_ID)");
}

Result<ShardSpec> index_and_count(const EnvLookup& env, const char* index_var,
                                  const char* total_var, long base, const char* engine) {
  auto index = env_number(env, index_var, "shard index");
  if (!index) return unexpected(index.error());
  auto total = env_number(env, total_var, "shard total");
  if (!total) return unexpected(total.error());
  return make_shard(*index, base, *total, index_var, total_var,
                    fmt::format("{} ({})", engine, index_var));
}

}  // namespace

std::string ShardSpec::label() const {
  return fmt::format("{}/{}", index + 1, total);
}

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<ShardSpec> parse_shard(std::string_view text) {
  auto slash = text.find('/');
  auto bad = [&](const std::string& why) {
    return invalid_input(fmt::format("'{}': {}; write i/n with 1 <= i <= n, e.g. 2/4", text, why),
                         "--shard");
  };
  if (slash == std::string_view::npos) return bad("no '/'");
  auto i = whole_number(text.substr(0, slash));
  auto n = whole_number(text.substr(slash + 1));
  if (!i || !n) return bad("i and n must be whole numbers");
  if (*n < 1 || *n > kMaxShards) return bad(fmt::format("n must be 1..{}", kMaxShards));
  if (*i < 1 || *i > *n) return bad("i is 1-based and at most n");
  return ShardSpec{static_cast<int>(*i - 1), static_cast<int>(*n), "--shard"};
}

Result<ShardSpec> resolve_shard(std::string_view flag, std::optional<int> total_flag,
                                const EnvLookup& env) {
  if (!flag.empty()) return parse_shard(flag);
  if (env("JOB_COMPLETION_INDEX")) return kubernetes(env, total_flag);
  if (total_flag) {
    return invalid_input(
        "--shard-total is the count for a Kubernetes Indexed Job, but "
        "JOB_COMPLETION_INDEX is not set; use --shard i/n",
        "--shard-total");
  }
  if (env("CI_NODE_INDEX"))
    return index_and_count(env, "CI_NODE_INDEX", "CI_NODE_TOTAL", 1, "GitLab");
  if (env("SLURM_ARRAY_TASK_ID")) return slurm(env);
  if (env("BUILDKITE_PARALLEL_JOB")) {
    return index_and_count(env, "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0,
                           "Buildkite");
  }
  return ShardSpec{};
}

std::vector<std::vector<size_t>> partition_jobs(const std::vector<Job>& jobs, int total) {
  const size_t n = static_cast<size_t>(std::max(total, 1));
  std::vector<size_t> order(jobs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::string> ids;
  ids.reserve(jobs.size());
  for (const auto& j : jobs) ids.push_back(j.id());
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (jobs[a].estimate_ms != jobs[b].estimate_ms)
      return jobs[a].estimate_ms > jobs[b].estimate_ms;
    return ids[a] < ids[b];
  });
  std::vector<std::vector<size_t>> shards(n);
  std::vector<uint64_t> load(n, 0);
  for (size_t i : order) {
    size_t lightest =
        static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    shards[lightest].push_back(i);
    load[lightest] += jobs[i].estimate_ms;
  }
  for (auto& s : shards) std::sort(s.begin(), s.end());
  return shards;
}

}  // namespace ktstr::gauntlet
