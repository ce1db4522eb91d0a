// The outcomes of `ktstr run --confirm` and `--fail-fast` in every renderer:
// text, done lines, JUnit (flaky = note, or failure under --strict) and the
// HTML view, from tests/data/report/run_confirm.json (make_fixtures.py).
#include <gtest/gtest.h>

#include "report/html.hpp"
#include "report/junit.hpp"
#include "report/run_text.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using testing::expect_golden;
using testing::load_fixture;

TEST(ReportConfirm, GoldenText) {
  const auto run = load_fixture("run_confirm.json");
  ASSERT_EQ(run.scenarios.size(), 4U);
  std::string text = render_run_text(run);
  text += "---\n";
  for (size_t i = 0; i < run.scenarios.size(); ++i) {
    text += render_done_line(run.scenarios[i], i + 1, run.scenarios.size()) + "\n";
  }
  expect_golden("run_confirm.txt", text);
}

TEST(ReportConfirm, TextNamesEveryAttemptsValue) {
  const std::string text = render_run_text(load_fixture("run_confirm.json"));
  EXPECT_NE(text.find("FLAKY        nested_cgroup_steady"), std::string::npos) << text;
  EXPECT_NE(text.find("attempt 1/3: fail  max_spread_pct 19.4 % (limit 15 %)"), std::string::npos);
  EXPECT_NE(text.find("attempt 2/3: pass  max_spread_pct 8.1 % (limit 15 %)"), std::string::npos);
  EXPECT_NE(text.find("FAILED       spread_hog"), std::string::npos);
  EXPECT_NE(text.find("fail (3/3)"), std::string::npos);
  EXPECT_NE(text.find("not run: --fail-fast"), std::string::npos);
  EXPECT_NE(text.find("oversubscribed: overrun: the run phase overran"), std::string::npos);
  EXPECT_NE(text.find("1 passed, 1 failed, 1 flaky, 1 skipped, 0 inconclusive"), std::string::npos);
}

TEST(ReportConfirm, GoldenJunitFlakyIsANoteWithoutStrict) {
  const auto run = load_fixture("run_confirm.json");
  const std::string xml = render_junit(run);
  expect_golden("run_confirm.junit.xml", xml);
  EXPECT_NE(xml.find("<testsuites name=\"ktstr\" tests=\"4\" failures=\"1\" errors=\"0\""),
            std::string::npos);
  EXPECT_EQ(xml.find("type=\"flaky\""), std::string::npos);
  EXPECT_NE(xml.find("\nflaky (1/3): max_spread_pct"), std::string::npos);
}

TEST(ReportConfirm, JunitFlakyIsAFailureUnderStrict) {
  auto run = load_fixture("run_confirm.json");
  run.strict = true;
  const std::string xml = render_junit(run);
  EXPECT_NE(xml.find("<testsuites name=\"ktstr\" tests=\"4\" failures=\"2\" errors=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"flaky (1/3): max_spread_pct"), std::string::npos);
  EXPECT_NE(xml.find("type=\"flaky\""), std::string::npos);
  EXPECT_NE(xml.find("attempt 3/3: pass  max_spread_pct 9.7 % (limit 15 %)"), std::string::npos);
}

TEST(ReportConfirm, GoldenHtmlView) {
  const auto view = build_html_view(load_fixture("run_confirm.json"));
  expect_golden("run_confirm.html_view.json", view.dump(1) + "\n");
  ASSERT_TRUE(view["scenarios"][0].contains("attempts"));
  EXPECT_EQ(view["scenarios"][0]["attempts"].size(), 3U);
  EXPECT_EQ(view["scenarios"][0]["attempts"][1]["verdict"], "pass");
  EXPECT_FALSE(view["scenarios"][1].contains("attempts"));
  EXPECT_EQ(view["counts"]["flaky"], 1);
}

}  // namespace
}  // namespace ktstr::report
