// --rerun-failed's selection from a result document: which jobs, with which
// axes and duration; documents that are not gauntlet results are refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gauntlet/rerun.hpp"
#include "util/file_io.hpp"

namespace ktstr::gauntlet {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json load(const char* name) {
  auto text = read_file(std::string(KTSTR_TEST_DATA_DIR) + "/report/" + name);
  EXPECT_TRUE(text);
  return json::parse(text ? *text : "{}");
}

TEST(GauntletRerun, SelectsEveryJobThatDidNotPassOrSkip) {
  auto sel = select_reruns(load("gauntlet_matrix.json"), "all.json");
  ASSERT_TRUE(sel) << sel.error().describe();
  EXPECT_EQ(sel->jobs, 10u);
  EXPECT_EQ(sel->ids,
            (std::vector<std::string>{"steady@4cpu-1llc-nosmt/scx_simple/auto",
                                      "steady@16cpu-4llc-2n-smt/scx_simple/auto",
                                      "cgroup_cpuset_numa@16cpu-4llc-2n-smt/eevdf/auto",
                                      "cgroup_cpuset_numa@16cpu-4llc-2n-smt/scx_simple/auto",
                                      "futex_ping_pong@16cpu-4llc-2n-smt/eevdf/auto",
                                      "futex_ping_pong@16cpu-4llc-2n-smt/scx_simple/auto"}));
  EXPECT_EQ(sel->verdicts.at("not run"), 1u);
  EXPECT_EQ(sel->verdicts.at("fail"), 1u);
  EXPECT_EQ(sel->options.presets, "4cpu-1llc-nosmt,16cpu-4llc-2n-smt");
  EXPECT_EQ(sel->options.schedulers, (std::vector<std::string>{"eevdf", "scx_simple"}));
  EXPECT_EQ(sel->options.duration, "2s");
}

TEST(GauntletRerun, RefusesRunAndListDocuments) {
  auto run = select_reruns(load("run_mixed.json"), "run.json");
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(run.error().describe(), HasSubstr("not a gauntlet result"));
  auto doc = load("gauntlet_matrix.json");
  doc.erase("results");
  auto list = select_reruns(doc, "list.json");
  ASSERT_FALSE(list);
  EXPECT_THAT(list.error().describe(), HasSubstr("--list document"));
}

TEST(GauntletRerun, AllPassedIsNothingToRerun) {
  auto doc = load("gauntlet_matrix.json");
  for (auto& r : doc["results"]) r["verdict"] = "pass";
  for (auto& j : doc["jobs"]) {
    if (j["index"] == 9) doc["results"].push_back({{"index", 9}, {"verdict", "skip"}});
  }
  auto sel = select_reruns(doc, "all.json");
  ASSERT_TRUE(sel);
  EXPECT_TRUE(sel->ids.empty());
  RerunPlan r{*sel, {}};
  EXPECT_EQ(render_rerun_line(r),
            "nothing to rerun: all 10 jobs in all.json passed or were skipped");
}

}  // namespace
}  // namespace ktstr::gauntlet
