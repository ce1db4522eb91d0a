// The built binary: `ktstr list presets`, preset names for --topology, and
// `ktstr gauntlet --list` with shards from the flag and the environment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_runner.hpp"
#include "topology/presets.hpp"
#include "util/file_io.hpp"

namespace ktstr {
namespace {

using ::testing::HasSubstr;
using testing::run_ktstr;

TEST(PresetsCli, ListJsonIsTheCatalogue) {
  auto r = run_ktstr({"list", "presets", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), topo::presets().size());
  EXPECT_EQ(j[0]["name"], "1cpu-1llc-nosmt");
  EXPECT_EQ(j[0]["cpus"], 1);
  auto text = run_ktstr({"list", "presets"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out,
              HasSubstr("64cpu-8llc-2n-smt      2n8l4c2t     64    8     2 yes    4352 MiB"));
}

TEST(PresetsCli, TopoTakesAPresetName) {
  auto r = run_ktstr({"topo", "--spec", "16cpu-4llc-2n-smt", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["spec"], "2n4l2c2t");
  EXPECT_EQ(j["cpus"], 16);
}

// A misspelt preset is refused before any VM boots.
TEST(PresetsCli, TopologyTypoSuggestsAndExits2) {
  auto r = run_ktstr({"vm", "shell", "--topology", "4cpu-1llc-nosnt", "--exec", "true"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("did you mean '4cpu-1llc-nosmt'?"));
}

std::set<std::string> listed_ids(const std::vector<std::string>& args) {
  auto r = run_ktstr(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> ids;
  const auto doc = nlohmann::json::parse(r.out);
  for (const auto& j : doc["jobs"]) ids.insert(j["id"]);
  return ids;
}

// Three shards, each its own process, together list the unsharded jobs once.
// `--scheduler X steady`: the scenario stays a scenario (one value per flag).
TEST(GauntletCli, SchedulerFlagDoesNotTakeTheScenarioAfterIt) {
  const auto r = run_ktstr({"gauntlet", "--presets", "2cpu-1llc-nosmt", "--scheduler", "eevdf",
                            "steady", "--list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["jobs"].size(), 1u) << r.out;
  EXPECT_EQ(j["jobs"][0]["scenario"], "steady");
  EXPECT_EQ(j["jobs"][0]["scheduler"], "eevdf");
}

TEST(GauntletCli, ShardsRunAsSeparateProcessesUnionToTheWholeList) {
  const std::vector<std::string> base = {"gauntlet",   "steady",      "cgroup_*", "--presets",
                                         "all",        "--scheduler", "eevdf",    "--scheduler",
                                         "scx_simple", "--list",      "--json"};
  auto whole = listed_ids(base);
  ASSERT_GT(whole.size(), 100u);
  std::set<std::string> seen;
  size_t count = 0;
  for (int i = 1; i <= 3; ++i) {
    auto args = base;
    args.insert(args.end(), {"--shard", std::to_string(i) + "/3"});
    auto part = listed_ids(args);
    count += part.size();
    seen.insert(part.begin(), part.end());
  }
  EXPECT_EQ(count, whole.size());
  EXPECT_EQ(seen, whole);
}

// The round trip: 3 shard documents from separate processes, merged
// by `ktstr merge`, list exactly the unsharded jobs; a missing shard is
// reported (exit 4) and a repeated one refused (exit 2).
TEST(GauntletCli, MergeOfThreeShardsEqualsTheUnshardedList) {
  char dir_template[] = "/tmp/ktstr-merge-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::vector<std::string> base = {"gauntlet", "steady", "affinity_*", "--presets",
                                         "all",      "--list", "--json"};
  std::vector<std::string> files;
  for (int i = 1; i <= 3; ++i) {
    auto args = base;
    args.insert(args.end(), {"--shard", std::to_string(i) + "/3"});
    auto r = run_ktstr(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files.push_back(dir + "/shard-" + std::to_string(i) + ".json");
    ASSERT_TRUE(write_file_atomic(files.back(), r.out));
  }
  auto merged = run_ktstr({"merge", files[0], files[1], files[2], "-o", dir + "/all.json"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_THAT(merged.err, HasSubstr("merged 3 of 3 shards"));
  auto all = nlohmann::json::parse(*read_file(dir + "/all.json"));
  auto whole = nlohmann::json::parse(run_ktstr(base).out);
  ASSERT_EQ(all["jobs"].size(), whole["jobs"].size());
  for (size_t i = 0; i < all["jobs"].size(); ++i) EXPECT_EQ(all["jobs"][i], whole["jobs"][i]);
  auto partial = run_ktstr({"merge", files[0], files[2]});
  EXPECT_EQ(partial.exit_code, 4);
  EXPECT_THAT(partial.err, HasSubstr("missing shard 2/3"));
  auto twice = run_ktstr({"merge", files[0], files[0]});
  EXPECT_EQ(twice.exit_code, 2);
  std::filesystem::remove_all(dir);
}

// merge reads only bounded regular files and checks -o before reading.
TEST(GauntletCli, MergeRefusesDevicesAndABadOutputPath) {
  const auto dev = run_ktstr({"merge", "/dev/zero"});
  EXPECT_EQ(dev.exit_code, 2);
  EXPECT_THAT(dev.err, HasSubstr("not a regular file"));
  const auto out = run_ktstr({"merge", "/dev/zero", "-o", "/nonexistent/dir/all.json"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_THAT(out.err, HasSubstr("--output"));
  EXPECT_THAT(out.err, HasSubstr("does not exist"));
}

TEST(GauntletCli, ShardFromGitLabEnvironment) {
  ::setenv("CI_NODE_INDEX", "2", 1);
  ::setenv("CI_NODE_TOTAL", "2", 1);
  auto r =
      run_ktstr({"gauntlet", "steady", "--presets", "4cpu-1llc-nosmt,8cpu-1llc-smt", "--list"});
  ::setenv("CI_NODE_INDEX", "0", 1);
  auto bad = run_ktstr({"gauntlet", "steady", "--list"});
  ::unsetenv("CI_NODE_INDEX");
  ::unsetenv("CI_NODE_TOTAL");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("shard 2/2 (from GitLab (CI_NODE_INDEX)): 1 job"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("CI_NODE_INDEX"));
}

TEST(GauntletCli, UnknownPresetExits2) {
  auto r = run_ktstr({"gauntlet", "--presets", "4cpu-1llc", "--list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--presets"));
  EXPECT_THAT(r.err, HasSubstr("did you mean"));
}

}  // namespace
}  // namespace ktstr
