// Shards: `--shard i/n`, the CI engines' environment variables, and the
// cost-balanced partition (disjoint, complete, stable) on a realistic job
// list.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "gauntlet/shard.hpp"
#include "scenario/catalogue.hpp"
#include "util/exit_codes.hpp"

namespace ktstr::gauntlet {
namespace {

using ::testing::HasSubstr;
using Env = std::map<std::string, std::string>;

EnvLookup env_of(const Env& e) {
  return [e](const char* name) -> std::optional<std::string> {
    auto it = e.find(name);
    if (it == e.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<Job> realistic_jobs() {
  JobAxes a;
  for (const auto& e : scenario::catalogue()) {
    if (e.scenario) a.scenarios.push_back(*e.scenario);
  }
  a.presets = topo::presets();
  a.schedulers = {"eevdf", "scx_simple"};
  a.kernels = {"sched-ext"};
  return expand_jobs(a, CostModel{}).jobs;
}

TEST(GauntletShard, ParsesOneBasedFlag) {
  auto s = parse_shard("2/4");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->index, 1);
  EXPECT_EQ(s->total, 4);
  EXPECT_EQ(s->label(), "2/4");
  EXPECT_EQ(s->source, "--shard");
  for (const char* bad : {"0/4", "5/4", "4", "a/4", "1/0", "-1/4", "1/4/2", ""}) {
    auto r = parse_shard(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput) << bad;
    EXPECT_EQ(r.error().context, "--shard") << bad;
  }
}

TEST(GauntletShard, FlagWinsOverEnvironment) {
  auto s =
      resolve_shard("1/2", std::nullopt, env_of({{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->label(), "1/2");
  auto none = resolve_shard("", std::nullopt, env_of({}));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->label(), "1/1");
  EXPECT_EQ(none->source, "none");
}

struct EnvCase {
  Env env;
  std::optional<int> total_flag;
  int index, total;
  const char* source;
};

TEST(GauntletShard, ReadsEachEngine) {
  const std::vector<EnvCase> cases = {
      {{{"JOB_COMPLETION_INDEX", "0"}}, 3, 0, 3, "Kubernetes (JOB_COMPLETION_INDEX)"},
      {{{"JOB_COMPLETION_INDEX", "2"}, {"KTSTR_SHARD_TOTAL", "3"}},
       std::nullopt,
       2,
       3,
       "Kubernetes (JOB_COMPLETION_INDEX)"},
      {{{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "4"}},
       std::nullopt,
       0,
       4,
       "GitLab (CI_NODE_INDEX)"},
      {{{"CI_NODE_INDEX", "4"}, {"CI_NODE_TOTAL", "4"}},
       std::nullopt,
       3,
       4,
       "GitLab (CI_NODE_INDEX)"},
      {{{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "6"}},
       std::nullopt,
       5,
       6,
       "Slurm (SLURM_ARRAY_TASK_ID)"},
      {{{"SLURM_ARRAY_TASK_ID", "7"},
        {"SLURM_ARRAY_TASK_COUNT", "4"},
        {"SLURM_ARRAY_TASK_MIN", "1"},
        {"SLURM_ARRAY_TASK_STEP", "2"}},
       std::nullopt,
       3,
       4,
       "Slurm (SLURM_ARRAY_TASK_ID)"},
      {{{"BUILDKITE_PARALLEL_JOB", "0"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}},
       std::nullopt,
       0,
       2,
       "Buildkite (BUILDKITE_PARALLEL_JOB)"},
  };
  for (const auto& c : cases) {
    auto s = resolve_shard("", c.total_flag, env_of(c.env));
    ASSERT_TRUE(s) << c.source << ": " << s.error().describe();
    EXPECT_EQ(s->index, c.index) << c.source;
    EXPECT_EQ(s->total, c.total) << c.source;
    EXPECT_EQ(s->source, c.source);
  }
}

// Every bad value is invalid input (exit 2) naming the variable to fix.
TEST(GauntletShard, BadEnvironmentNamesTheVariable) {
  const std::vector<std::pair<Env, std::string>> cases = {
      {{{"JOB_COMPLETION_INDEX", "0"}}, "JOB_COMPLETION_INDEX"},
      {{{"JOB_COMPLETION_INDEX", "x"}, {"KTSTR_SHARD_TOTAL", "2"}}, "JOB_COMPLETION_INDEX"},
      {{{"JOB_COMPLETION_INDEX", "2"}, {"KTSTR_SHARD_TOTAL", "2"}}, "JOB_COMPLETION_INDEX"},
      {{{"JOB_COMPLETION_INDEX", "0"}, {"KTSTR_SHARD_TOTAL", "two"}}, "KTSTR_SHARD_TOTAL"},
      {{{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "4"}}, "CI_NODE_INDEX"},
      {{{"CI_NODE_INDEX", "1"}}, "CI_NODE_TOTAL"},
      {{{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "0"}}, "CI_NODE_TOTAL"},
      {{{"SLURM_ARRAY_TASK_ID", "-1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}, "SLURM_ARRAY_TASK_ID"},
      {{{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", ""}}, "SLURM_ARRAY_TASK_COUNT"},
      {{{"SLURM_ARRAY_TASK_ID", "2"},
        {"SLURM_ARRAY_TASK_COUNT", "4"},
        {"SLURM_ARRAY_TASK_MIN", "1"},
        {"SLURM_ARRAY_TASK_STEP", "2"}},
       "SLURM_ARRAY_TASK_ID"},
      {{{"BUILDKITE_PARALLEL_JOB", "2"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}},
       "BUILDKITE_PARALLEL_JOB"},
  };
  for (const auto& [env, var] : cases) {
    auto s = resolve_shard("", std::nullopt, env_of(env));
    ASSERT_FALSE(s) << var;
    EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput) << var;
    EXPECT_EQ(exit_code_for(s.error().kind), kExitInvalid);
    EXPECT_EQ(s.error().context, var) << s.error().describe();
  }
  auto stray = resolve_shard("", 4, env_of({}));
  ASSERT_FALSE(stray);
  EXPECT_EQ(stray.error().context, "--shard-total");
  auto k = resolve_shard("", std::nullopt, env_of({{"JOB_COMPLETION_INDEX", "0"}}));
  ASSERT_FALSE(k);
  EXPECT_THAT(k.error().message, HasSubstr("--shard-total N or set KTSTR_SHARD_TOTAL"));
}

TEST(GauntletShard, PartitionIsDisjointCompleteAndBalanced) {
  const auto jobs = realistic_jobs();
  ASSERT_GT(jobs.size(), 1000u);
  uint64_t total = 0, longest = 0;
  for (const auto& j : jobs) {
    total += j.estimate_ms;
    longest = std::max(longest, j.estimate_ms);
  }
  for (int n = 1; n <= 16; ++n) {
    auto parts = partition_jobs(jobs, n);
    ASSERT_EQ(parts.size(), static_cast<size_t>(n));
    std::vector<int> seen(jobs.size(), 0);
    uint64_t heaviest = 0;
    for (const auto& p : parts) {
      uint64_t load = 0;
      EXPECT_TRUE(std::is_sorted(p.begin(), p.end()));
      for (size_t i : p) {
        ++seen[i];
        load += jobs[i].estimate_ms;
      }
      heaviest = std::max(heaviest, load);
    }
    for (size_t i = 0; i < jobs.size(); ++i) ASSERT_EQ(seen[i], 1) << "job " << i << " n=" << n;
    EXPECT_LE(heaviest, total / static_cast<uint64_t>(n) + longest) << "n=" << n;
  }
}

// The split depends on the jobs themselves, not on their order in the list.
TEST(GauntletShard, PartitionIsStable) {
  auto jobs = realistic_jobs();
  auto a = partition_jobs(jobs, 5);
  EXPECT_EQ(a, partition_jobs(jobs, 5));
  std::vector<Job> reversed(jobs.rbegin(), jobs.rend());
  auto b = partition_jobs(reversed, 5);
  for (size_t s = 0; s < a.size(); ++s) {
    std::set<std::string> ia, ib;
    for (size_t i : a[s]) ia.insert(jobs[i].id());
    for (size_t i : b[s]) ib.insert(reversed[i].id());
    EXPECT_EQ(ia, ib) << "shard " << s;
  }
}

}  // namespace
}  // namespace ktstr::gauntlet
