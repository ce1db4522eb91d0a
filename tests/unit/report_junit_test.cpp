// JUnit XML renderer: golden output on the fixture run, well-formedness,
// escaping, and the testcase naming for repeats.
#include <gtest/gtest.h>

#include <regex>
#include <vector>

#include "report/format.hpp"
#include "report/junit.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using testing::load_fixture;

// A small XML well-formedness check: balanced, properly nested tags, quoted
// attributes, only the predefined or numeric entities, no raw '<' or '&'.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> stack;
  static const std::regex entity("^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);");
  for (size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] == '&') {
      std::smatch m;
      const std::string rest = xml.substr(i, 12);
      if (!std::regex_search(rest, m, entity)) return "bad entity at " + std::to_string(i);
      continue;
    }
    if (xml[i] != '<') continue;
    const size_t end = xml.find('>', i);
    if (end == std::string::npos) return "unterminated tag";
    const std::string tag = xml.substr(i + 1, end - i - 1);
    i = end;
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    if (tag.find('<') != std::string::npos) return "'<' inside a tag: " + tag;
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) return "mismatched </" + tag.substr(1);
      stack.pop_back();
      continue;
    }
    const std::string name = tag.substr(0, tag.find_first_of(" /"));
    // Attributes: name="value" pairs only.
    static const std::regex attrs(
        R"(^[A-Za-z_:][-A-Za-z0-9_:.]*(\s+[A-Za-z_:][-A-Za-z0-9_:.]*="[^"<]*")*\s*/?$)");
    if (!std::regex_match(tag, attrs)) return "malformed tag <" + tag.substr(0, 80);
    if (tag.back() != '/') stack.push_back(name);
  }
  return stack.empty() ? "" : "unclosed <" + stack.back() + ">";
}

TEST(ReportJunit, GoldenMixedRun) {
  const auto run = load_fixture("run_mixed.json");
  const std::string xml = render_junit(run);
  EXPECT_EQ(xml_problem(xml), "");
  testing::expect_golden("run_mixed.junit.xml", xml);
}

TEST(ReportJunit, CountsAndOutcomes) {
  const std::string xml = render_junit(load_fixture("run_mixed.json"));
  // junit-10: the skip count is per testsuite only.
  EXPECT_NE(xml.find("<testsuites name=\"ktstr\" tests=\"4\" failures=\"1\" errors=\"1\" "
                     "time="),
            std::string::npos);
  EXPECT_NE(xml.find("skipped=\"1\" time="), std::string::npos);
  // Verdict and checks lead the testcase's output (no testcase properties).
  EXPECT_NE(xml.find("<system-out>verdict: fail\nrepeat: 0\n"), std::string::npos);
  EXPECT_NE(xml.find("check.max_gap_ms: fail: cgroup cg_0"), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"cgroup cg_0: worker 2 (tid 814) max gap 3500ms"),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"requires 2 NUMA nodes (host has 1)\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<error message=\"payload stress-ng: not found in PATH (apt-get install "
                     "stress-ng)\" type=\"environment\">"),
            std::string::npos);
  // The control character in a warning is replaced, the markup escaped.
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_NE(xml.find("(EPERM)\xEF\xBF\xBD"), std::string::npos);
}

TEST(ReportJunit, RepeatsGetNumberedNames) {
  auto run = load_fixture("compare_a.json");
  const std::string xml = render_junit(run);
  EXPECT_EQ(xml_problem(xml), "");
  EXPECT_NE(xml.find("name=\"steady (repeat 1)\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"steady (repeat 5)\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"cgroup_churn\""), std::string::npos);
}

TEST(ReportXmlEscape, EscapesAndReplaces) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape("x\ny"), "x&#10;y");
  EXPECT_EQ(xml_escape("x\ny", false), "x\ny");
  EXPECT_EQ(xml_escape(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(xml_escape("caf\xC3\xA9"), "caf\xC3\xA9");            // valid UTF-8 kept
  EXPECT_EQ(xml_escape("bad\xC3"), "bad\xEF\xBF\xBD");            // truncated sequence
  EXPECT_EQ(xml_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
}

TEST(ReportFormat, NumbersAndTables) {
  EXPECT_EQ(format_number(12345.6), "12346");
  EXPECT_EQ(format_number(123.456), "123.5");
  EXPECT_EQ(format_number(1.2345), "1.23");
  EXPECT_EQ(format_number(0.0012345), "0.00123");
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(-2.5), "-2.5");
  EXPECT_EQ(format_number(40.0), "40");
  EXPECT_EQ(format_number(100.0), "100");
  TextTable t({"a", "bb"});
  t.add({"xxx", "y"});
  EXPECT_EQ(t.render("  "), "  a    bb\n  xxx  y\n");
}

}  // namespace
}  // namespace ktstr::report
