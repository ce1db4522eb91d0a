// `ktstr merge`: shard documents of one plan join into the whole job list;
// foreign, repeated and overlapping shards are refused; missing ones are
// reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gauntlet/merge.hpp"
#include "gauntlet/plan.hpp"

namespace ktstr::gauntlet {
namespace {

using ::testing::HasSubstr;

ShardDocument shard_doc(const std::string& shard, const std::string& presets = "all") {
  GauntletOptions o;
  o.scenarios = {"steady", "cgroup_cpuset_numa", "affinity_*"};
  o.presets = presets;
  o.shard = shard;
  auto p = plan_gauntlet(o, [](const char*) -> std::optional<std::string> { return std::nullopt; });
  EXPECT_TRUE(p) << p.error().describe();
  return {"shard-" + shard, plan_json(*p)};
}

std::vector<std::string> ids(const nlohmann::json& doc) {
  std::vector<std::string> out;
  for (const auto& j : doc["jobs"]) out.push_back(j["id"]);
  return out;
}

TEST(GauntletMerge, ShardsJoinToTheWholeList) {
  auto whole = shard_doc("1/1");
  auto m = merge_shards({shard_doc("3/3"), shard_doc("1/3"), shard_doc("2/3")});
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_TRUE(m->missing_shards.empty());
  EXPECT_EQ(ids(m->doc), ids(whole.doc));
  EXPECT_EQ(m->doc["estimate_ms"], whole.doc["estimate_ms"]);
  EXPECT_EQ(m->doc["shard"]["merged"], nlohmann::json({1, 2, 3}));
  EXPECT_EQ(m->exit_code, 0);
  EXPECT_EQ(render_merge_text(*m), fmt::format("merged 3 of 3 shards: {} of {} jobs\n",
                                               whole.doc["jobs"].size(), whole.doc["jobs"].size()));
}

TEST(GauntletMerge, ReportsMissingShards) {
  auto m = merge_shards({shard_doc("1/4"), shard_doc("3/4")});
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->missing_shards, (std::vector<int>{2, 4}));
  EXPECT_THAT(render_merge_text(*m), HasSubstr("merged 2 of 4 shards"));
  EXPECT_THAT(render_merge_text(*m), HasSubstr("missing shard 2/4, 4/4"));
}

TEST(GauntletMerge, RefusesRepeatedForeignAndOverlappingShards) {
  auto twice = merge_shards({shard_doc("1/2"), shard_doc("1/2")});
  ASSERT_FALSE(twice);
  EXPECT_THAT(twice.error().message, HasSubstr("are both shard 1/2"));
  auto foreign = merge_shards({shard_doc("1/2"), shard_doc("2/2", "4cpu-1llc-nosmt")});
  ASSERT_FALSE(foreign);
  EXPECT_THAT(foreign.error().message, HasSubstr("different job lists"));
  auto counts = merge_shards({shard_doc("1/2"), shard_doc("2/3")});
  ASSERT_FALSE(counts);
  EXPECT_THAT(counts.error().message, HasSubstr("different job lists"));
  auto a = shard_doc("1/2");
  auto b = shard_doc("2/2");
  b.doc["jobs"].push_back(a.doc["jobs"][0]);
  auto overlap = merge_shards({a, b});
  ASSERT_FALSE(overlap);
  EXPECT_THAT(overlap.error().message, HasSubstr("is in more than one shard"));
  EXPECT_EQ(overlap.error().context, "shard-2/2");
  auto junk = merge_shards({{"x.json", nlohmann::json::object()}});
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(junk.error().context, "x.json");
}

TEST(GauntletMerge, WorstRunExitCodeWins) {
  auto a = shard_doc("1/2");
  auto b = shard_doc("2/2");
  a.doc["exit_code"] = 4;
  a.doc["results"] = nlohmann::json::array({{{"index", 0}, {"verdict", "inconclusive"}}});
  b.doc["exit_code"] = 1;
  b.doc["results"] = nlohmann::json::array({{{"index", 5}, {"verdict", "fail"}}});
  auto m = merge_shards({a, b});
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->exit_code, 1);
  ASSERT_EQ(m->doc["results"].size(), 2u);
  EXPECT_EQ(m->doc["results"][0]["index"], 0);
}

}  // namespace
}  // namespace ktstr::gauntlet
