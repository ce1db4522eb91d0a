// The built binary with a gauntlet result document made in the test (a real
// `--list --json` job list plus results): `ktstr gauntlet --rerun-failed
// DOC --list` plans exactly the cells that did not pass, with the duration
// they ran with, and `ktstr report DOC` renders the matrix. No VM boots.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_runner.hpp"
#include "util/file_io.hpp"

namespace ktstr {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::run_ktstr;

class GauntletRerunCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ktstr-rerun-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 2 scenarios x 2 presets x 2 schedulers, cgroup_cpuset_numa skipped on
  // the one-node preset: 6 jobs; `verdicts` in job order ("" = no result).
  std::string write_doc(const std::vector<std::string>& verdicts, bool duration = true) {
    std::vector<std::string> args = {
        "gauntlet", "steady",      "cgroup_cpuset_numa", "--presets", kPresets, "--scheduler",
        "eevdf",    "--scheduler", "scx_simple",         "--list",    "--json"};
    if (duration) args.insert(args.end(), {"--duration", "2s"});
    auto r = run_ktstr(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json doc = json::parse(r.out);
    EXPECT_EQ(doc["jobs"].size(), verdicts.size());
    doc["results"] = json::array();
    for (size_t i = 0; i < verdicts.size() && i < doc["jobs"].size(); ++i) {
      if (verdicts[i].empty()) continue;
      doc["results"].push_back({{"index", i},
                                {"id", doc["jobs"][i]["id"]},
                                {"verdict", verdicts[i]},
                                {"exit_code", verdicts[i] == "pass" ? 0 : 1},
                                {"reason", verdicts[i] == "pass" ? "" : "it broke"},
                                {"wall_ms", 4000.0}});
    }
    doc["exit_code"] = 1;
    doc["interrupted"] = false;
    const std::string path = dir_ + "/all.json";
    EXPECT_TRUE(write_file_atomic(path, doc.dump(2)));
    ids_.clear();
    for (const auto& j : doc["jobs"]) ids_.push_back(j["id"]);
    durations_.clear();
    for (const auto& j : doc["jobs"]) durations_.push_back(j["duration_ms"]);
    return path;
  }

  static std::vector<std::string> listed(const json& doc) {
    std::vector<std::string> out;
    for (const auto& j : doc["jobs"]) out.push_back(j["id"]);
    return out;
  }

  static constexpr const char* kPresets = "4cpu-1llc-nosmt,16cpu-4llc-2n-smt";
  std::string dir_;
  std::vector<std::string> ids_;
  std::vector<uint64_t> durations_;
};

TEST_F(GauntletRerunCli, ListsOnlyTheCellsThatDidNotPass) {
  const auto doc = write_doc({"pass", "fail", "pass", "flaky", "inconclusive", ""});
  auto r = run_ktstr({"gauntlet", "--rerun-failed", doc, "--list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("rerunning 4 of 6 jobs from " + doc +
                               " (1 fail, 1 flaky, 1 inconclusive, 1 not run)"));
  const json plan = json::parse(r.out);
  EXPECT_EQ(listed(plan), (std::vector<std::string>{ids_[1], ids_[3], ids_[4], ids_[5]}));
  for (const auto& j : plan["jobs"]) EXPECT_EQ(j["duration_ms"], 2000) << j["id"];
  EXPECT_EQ(plan["skipped"].size(), 0u);
  auto text = run_ktstr({"gauntlet", "--rerun-failed", doc, "--list"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("total: 4 jobs"));
}

// Without --duration each scenario ran for its own duration, and reruns do too.
TEST_F(GauntletRerunCli, KeepsEachScenariosOwnDuration) {
  const auto doc = write_doc({"fail", "pass", "pass", "pass", "pass", "fail"}, false);
  auto r = run_ktstr({"gauntlet", "--rerun-failed", doc, "--list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json plan = json::parse(r.out);
  ASSERT_EQ(listed(plan), (std::vector<std::string>{ids_[0], ids_[5]}));
  EXPECT_EQ(plan["jobs"][0]["duration_ms"], durations_[0]);
  EXPECT_EQ(plan["jobs"][1]["duration_ms"], durations_[5]);
}

TEST_F(GauntletRerunCli, ShardsSplitTheReruns) {
  const auto doc = write_doc({"fail", "fail", "fail", "pass", "fail", "pass"});
  std::set<std::string> seen;
  size_t count = 0;
  for (const char* shard : {"1/2", "2/2"}) {
    auto r = run_ktstr({"gauntlet", "--rerun-failed", doc, "--shard", shard, "--list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& id : listed(json::parse(r.out))) seen.insert(id);
    count += json::parse(r.out)["jobs"].size();
  }
  EXPECT_EQ(count, 4u);
  EXPECT_EQ(seen, (std::set<std::string>{ids_[0], ids_[1], ids_[2], ids_[4]}));
}

TEST_F(GauntletRerunCli, NothingToRerunExits0) {
  const auto doc = write_doc({"pass", "pass", "skip", "pass", "pass", "pass"});
  auto r = run_ktstr({"gauntlet", "--rerun-failed", doc});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("nothing to rerun: all 6 jobs in " + doc));
  EXPECT_EQ(r.out, "");
}

TEST_F(GauntletRerunCli, RefusesDocumentsThatAreNotGauntletResults) {
  const std::string run_doc = std::string(KTSTR_SOURCE_DIR) + "/tests/data/report/run_mixed.json";
  auto run = run_ktstr({"gauntlet", "--rerun-failed", run_doc, "--list"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("not a gauntlet result"));
  auto list = run_ktstr({"gauntlet", "steady", "--presets", "2cpu-1llc-nosmt", "--list", "--json"});
  ASSERT_TRUE(write_file_atomic(dir_ + "/list.json", list.out));
  auto listed_only = run_ktstr({"gauntlet", "--rerun-failed", dir_ + "/list.json", "--list"});
  EXPECT_EQ(listed_only.exit_code, 2);
  EXPECT_THAT(listed_only.err, HasSubstr("--list document"));
  const auto doc = write_doc({"fail", "pass", "pass", "pass", "pass", "pass"});
  auto flags =
      run_ktstr({"gauntlet", "--rerun-failed", doc, "--presets", "4cpu-1llc-nosmt", "--list"});
  EXPECT_EQ(flags.exit_code, 2);
  EXPECT_THAT(flags.err, HasSubstr("drop --presets"));
}

TEST_F(GauntletRerunCli, ReportRendersTheMatrix) {
  const auto doc = write_doc({"pass", "fail", "pass", "flaky", "inconclusive", "pass"});
  auto text = run_ktstr({"report", doc});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("gauntlet matrix: 2 scenarios x 2 presets x 2 schedulers = 8 "
                                  "cells\n  1 FAIL, 1 flaky, 1 inconcl., 2 skip, 3 pass\n"));
  // Wrapped to 80 columns, still one shell command.
  EXPECT_THAT(text.out, HasSubstr("$ ktstr run --vm --topology 4cpu-1llc-nosmt --scheduler "
                                  "scx_simple \\\n        --duration 2s steady\n"));
  auto files =
      run_ktstr({"report", doc, "--html", dir_ + "/m.html", "--junit", dir_ + "/junit.xml"});
  ASSERT_EQ(files.exit_code, 0) << files.err;
  const auto html = read_file(dir_ + "/m.html");
  ASSERT_TRUE(html);
  EXPECT_THAT(*html, HasSubstr("<a href=\"#job-2\">FAIL</a>"));
  EXPECT_THAT(*html, HasSubstr("id=\"job-2\""));
  const auto xml = read_file(dir_ + "/junit.xml");
  ASSERT_TRUE(xml);
  EXPECT_THAT(*xml, HasSubstr("<testsuite name=\"ktstr.gauntlet.16cpu-4llc-2n-smt.scx_simple\""));
  auto trace = run_ktstr({"report", doc, "--trace", dir_ + "/t.json"});
  EXPECT_EQ(trace.exit_code, 2);
  EXPECT_THAT(trace.err, HasSubstr("--trace"));
}

}  // namespace
}  // namespace ktstr
