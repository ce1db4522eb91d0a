// The JUnit XML ktstr writes validates against the junit-10 structure that
// strict CI readers expect (tests/data/junit/junit.xsd), checked with
// xmllint (Debian libxml2-utils, installed by scripts/setup). Covers every
// outcome: pass, failure, error, skip, inconclusive, not run, repeats.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "report/junit.hpp"
#include "report/matrix.hpp"
#include "report_golden.hpp"
#include "util/file_io.hpp"

namespace ktstr::report {
namespace {

using testing::load_fixture;

const std::string kSchema = std::string(KTSTR_TEST_DATA_DIR) + "/junit/junit.xsd";

bool have_xmllint() {
  return std::system("command -v xmllint >/dev/null 2>&1") == 0;
}

// xmllint's verdict on `xml`: "" when it validates, else its messages.
std::string xsd_problems(const std::string& xml) {
  char path[] = "/tmp/ktstr-junit-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return "mkstemp failed";
  ::close(fd);
  if (!write_file_atomic(path, xml)) return "cannot write the XML";
  const std::string cmd = "xmllint --noout --schema '" + kSchema + "' '" + path + "' 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "re");
  if (p == nullptr) return "popen failed";
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  ::unlink(path);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : out;
}

#define KTSTR_REQUIRE_XMLLINT() \
  if (!have_xmllint()) GTEST_SKIP() << "xmllint missing (apt-get install libxml2-utils)"

TEST(ReportJunitXsd, SchemaRejectsWhatStrictReadersReject) {
  KTSTR_REQUIRE_XMLLINT();
  // The check can fail: properties inside a testcase and a testsuites-level
  // skipped count are not junit-10, and a negative count is no count.
  EXPECT_NE(xsd_problems("<testsuites skipped=\"1\"/>"), "");
  EXPECT_NE(xsd_problems("<testsuite name=\"s\" tests=\"1\"><testcase name=\"t\"><properties/>"
                         "</testcase></testsuite>"),
            "");
  EXPECT_NE(xsd_problems("<testsuite name=\"s\" tests=\"-1\"/>"), "");
  EXPECT_EQ(xsd_problems("<testsuites><testsuite name=\"s\" tests=\"0\"/></testsuites>"), "");
}

TEST(ReportJunitXsd, FixtureRunsValidate) {
  KTSTR_REQUIRE_XMLLINT();
  for (const char* name : {"run_mixed.json", "compare_a.json"}) {
    EXPECT_EQ(xsd_problems(render_junit(load_fixture(name))), "") << name;
  }
  EXPECT_EQ(xsd_problems(render_junit(scenario::RunResult{})), "");
}

TEST(ReportJunitXsd, NotRunAndInconclusiveAreSkippedWithTheReason) {
  KTSTR_REQUIRE_XMLLINT();
  auto run = load_fixture("run_mixed.json");
  ASSERT_FALSE(run.scenarios.empty());
  scenario::ScenarioResult not_run = run.scenarios.front();
  not_run.name = "never <started> & \"quoted\"";
  not_run.verdict = check::Verdict::kSkip;
  not_run.reason = "not run: --fail-fast";
  not_run.checks.clear();
  not_run.timeline.clear();
  not_run.error_kind.reset();
  scenario::ScenarioResult unsure = not_run;
  unsure.name = "unsure";
  unsure.verdict = check::Verdict::kInconclusive;
  unsure.reason = "host busy";
  run.scenarios.push_back(not_run);
  run.scenarios.push_back(unsure);
  const std::string xml = render_junit(run);
  EXPECT_EQ(xsd_problems(xml), "");
  EXPECT_NE(xml.find("<skipped message=\"not run: --fail-fast\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"inconclusive: host busy\"/>"), std::string::npos);
}

// A gauntlet matrix: a testsuite per preset x scheduler, every outcome.
TEST(ReportJunitXsd, GauntletMatrixValidates) {
  KTSTR_REQUIRE_XMLLINT();
  auto doc = nlohmann::json::parse(testing::fixture_text("gauntlet_matrix.json"));
  auto m = build_matrix(doc, "gauntlet_matrix.json");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(xsd_problems(render_matrix_junit(*m)), "");
}

}  // namespace
}  // namespace ktstr::report
