// `ktstr report` and `ktstr compare` as a user runs them: files written,
// exit codes (0 no regression, 1 regression, 2 bad input), --json output.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "report/trace.hpp"
#include "util/file_io.hpp"

namespace ktstr {
namespace {

namespace fs = std::filesystem;
using testing::run_ktstr;

std::string fixture(const std::string& name) {
  return std::string(KTSTR_TEST_DATA_DIR) + "/report/" + name;
}

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ktstr-report-cli-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ReportCli, RendersEveryFormat) {
  const auto r = run_ktstr({"report", fixture("run_mixed.json"), "--html", dir_ + "/r.html",
                            "--junit", dir_ + "/r.xml", "--trace", dir_ + "/r.trace.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"/r.html", "/r.xml", "/r.trace.json"}) {
    EXPECT_GT(fs::file_size(dir_ + f), 1000u) << f;
  }
  auto trace = read_file(dir_ + "/r.trace.json");
  ASSERT_TRUE(trace);
  EXPECT_TRUE(report::validate_trace(nlohmann::json::parse(*trace)));
  const auto text = run_ktstr({"report", fixture("run_mixed.json")});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("max gap 3500ms on cpu1"), std::string::npos);  // ktstr run's text report
}

TEST_F(ReportCli, ReportRejectsBadInput) {
  const auto missing = run_ktstr({"report", dir_ + "/nope.json", "--html", dir_ + "/x.html"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos);
  ASSERT_TRUE(write_file_atomic(dir_ + "/v9.json", R"({"schema_version": 9, "scenarios": []})"));
  const auto newer = run_ktstr({"report", dir_ + "/v9.json"});
  EXPECT_EQ(newer.exit_code, 2);
  EXPECT_NE(newer.err.find("schema_version"), std::string::npos);
}

TEST_F(ReportCli, CompareExitCodes) {
  const auto worse = run_ktstr({"compare", fixture("compare_a.json"), fixture("compare_b.json")});
  EXPECT_EQ(worse.exit_code, 1) << worse.err;
  EXPECT_NE(worse.out.find("REGRESSION"), std::string::npos);
  const auto same = run_ktstr({"compare", fixture("compare_a.json"), fixture("compare_a2.json")});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("no significant regression"), std::string::npos);
  const auto json =
      run_ktstr({"compare", fixture("compare_a.json"), fixture("compare_b.json"), "--json",
                 "--metric", "wake_p99_us", "--min-effect", "wake_p99_us=10%", "--alpha", "0.01"});
  EXPECT_EQ(json.exit_code, 1);
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["alpha"], 0.01);
  EXPECT_EQ(j["scenarios"][0]["metrics"].size(), 1u);
  EXPECT_EQ(j["scenarios"][0]["metrics"][0]["status"], "regression");
}

TEST_F(ReportCli, CompareBadInputIsExit2) {
  const auto missing = run_ktstr({"compare", dir_ + "/a.json", fixture("compare_b.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("a.json"), std::string::npos);
  const auto metric = run_ktstr(
      {"compare", fixture("compare_a.json"), fixture("compare_b.json"), "--metric", "nope"});
  EXPECT_EQ(metric.exit_code, 2);
  EXPECT_NE(metric.err.find("unknown metric 'nope'"), std::string::npos);
  const auto effect = run_ktstr({"compare", fixture("compare_a.json"), fixture("compare_b.json"),
                                 "--min-effect", "wake_p99_us"});
  EXPECT_EQ(effect.exit_code, 2);
}

}  // namespace
}  // namespace ktstr
