// The gauntlet matrix: the model from a result document (cells, counts,
// the failure order, reproduce commands), the text at 80 columns (golden,
// wrapping, transposing), JUnit suites per column and the HTML view and
// page (golden view, every cell's link lands on a job section).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "report/matrix.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json fixture() {
  return json::parse(testing::fixture_text("gauntlet_matrix.json"));
}

MatrixModel model_of(const json& doc) {
  auto m = build_matrix(doc, "doc.json");
  EXPECT_TRUE(m) << (m ? "" : m.error().describe());
  return m ? *m : MatrixModel{};
}

// A document of `scenarios` x `presets` x schedulers x kernels, every job passed.
json synthetic(size_t scenarios, size_t presets, std::vector<std::string> schedulers,
               std::vector<std::string> kernels) {
  json doc = {{"jobs", json::array()}, {"results", json::array()}, {"skipped", json::array()}};
  json axes = {{"scenarios", json::array()},
               {"presets", json::array()},
               {"schedulers", schedulers},
               {"kernels", kernels}};
  for (size_t p = 0; p < presets; ++p)
    axes["presets"].push_back(fmt::format("{}cpu-1llc-nosmt", p + 1));
  for (size_t s = 0; s < scenarios; ++s) {
    const std::string name = fmt::format("scenario_number_{}", s);
    axes["scenarios"].push_back(name);
    for (const auto& preset : axes["presets"]) {
      for (const auto& sched : schedulers) {
        for (const auto& kernel : kernels) {
          const size_t i = doc["jobs"].size();
          const std::string id =
              fmt::format("{}@{}/{}/{}", name, preset.get<std::string>(), sched, kernel);
          doc["jobs"].push_back({{"index", i},
                                 {"id", id},
                                 {"scenario", name},
                                 {"preset", preset},
                                 {"scheduler", sched},
                                 {"kernel", kernel},
                                 {"duration_ms", 1500}});
          doc["results"].push_back({{"index", i},
                                    {"id", id},
                                    {"verdict", "pass"},
                                    {"exit_code", 0},
                                    {"reason", ""},
                                    {"wall_ms", 3000.0}});
        }
      }
    }
  }
  doc["matrix"] = {{"jobs", doc["jobs"].size()}, {"fingerprint", "x"}, {"axes", axes}};
  return doc;
}

size_t widest_line(const std::string& text) {
  size_t widest = 0, start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    widest = std::max(widest, (end == std::string::npos ? text.size() : end) - start);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return widest;
}

TEST(ReportMatrix, CellsCountsAndFailureOrder) {
  const auto m = model_of(fixture());
  ASSERT_EQ(m.scenarios,
            (std::vector<std::string>{"steady", "cgroup_cpuset_numa", "futex_ping_pong"}));
  ASSERT_EQ(m.columns.size(), 4u);
  EXPECT_EQ(m.column_label(3), "16cpu-4llc-2n-smt / scx_simple");
  EXPECT_EQ(m.cells[0][1].outcome, CellOutcome::kFail);
  EXPECT_EQ(m.cells[0][3].outcome, CellOutcome::kFlaky);
  EXPECT_EQ(m.cells[1][0].outcome, CellOutcome::kSkip);
  EXPECT_THAT(m.cells[1][1].reason, HasSubstr("NUMA"));
  EXPECT_FALSE(m.cells[1][1].job.has_value());
  EXPECT_EQ(m.cells[2][3].outcome, CellOutcome::kNotRun);
  EXPECT_EQ(m.count(CellOutcome::kPass), 3u);
  EXPECT_EQ(m.count(CellOutcome::kSkip), 3u);  // two by requirement, one in the guest
  EXPECT_EQ(m.count(CellOutcome::kAbsent), 0u);
  std::vector<size_t> order;
  for (const auto& ref : m.problems) order.push_back(*m.at(ref).job);
  // fail, error, flaky, inconclusive, interrupted, not run.
  EXPECT_EQ(order, (std::vector<size_t>{1, 5, 3, 4, 8, 9}));
  EXPECT_EQ(
      m.cells[0][1].reproduce,
      "ktstr run --vm --topology 4cpu-1llc-nosmt --scheduler scx_simple --duration 2s steady");
  EXPECT_EQ(m.exit_code, 130);
  EXPECT_TRUE(m.interrupted);
}

TEST(ReportMatrix, ReproduceQuotesAndNamesTheKernel) {
  const json job = {{"preset", "4cpu-1llc-nosmt"},
                    {"scheduler", "/opt/my sched"},
                    {"kernel", "sched-ext"},
                    {"duration_ms", 1500},
                    {"scenario", "x"},
                    {"target", "it's.toml"}};
  EXPECT_EQ(reproduce_command(job),
            "ktstr run --vm --topology 4cpu-1llc-nosmt --scheduler '/opt/my sched' --kernel "
            "sched-ext --duration 1.5s 'it'\\''s.toml'");
}

TEST(ReportMatrix, RefusesWhatIsNotAGauntletResult) {
  auto run = build_matrix(json::parse(testing::fixture_text("run_mixed.json")), "run.json");
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(run.error().describe(), HasSubstr("not a gauntlet document"));
  auto listed = fixture();
  listed.erase("results");
  auto list = build_matrix(listed, "list.json");
  ASSERT_FALSE(list);
  EXPECT_THAT(list.error().describe(), HasSubstr("--list"));
  auto broken = fixture();
  broken["jobs"][0]["preset"] = 7;
  EXPECT_FALSE(build_matrix(broken, "broken.json"));
}

// One shard's document: the other shards' cells are absent, and without
// matrix.axes the axes come from the jobs and skipped cells.
TEST(ReportMatrix, ShardDocumentsShowTheOtherShardsCellsAsAbsent) {
  auto doc = fixture();
  doc["jobs"].erase(doc["jobs"].begin() + 5, doc["jobs"].end());
  doc["shard"] = {{"index", 1}, {"total", 2}, {"source", "--shard"}};
  auto m = model_of(doc);
  EXPECT_EQ(m.count(CellOutcome::kAbsent), 5u);
  EXPECT_EQ(m.shard, "shard 1/2");
  doc["matrix"].erase("axes");
  m = model_of(doc);
  EXPECT_EQ(m.scenarios, (std::vector<std::string>{"steady", "cgroup_cpuset_numa"}));
  EXPECT_EQ(m.columns.size(), 4u);
}

TEST(ReportMatrix, GoldenText) {
  const std::string text = render_matrix_text(model_of(fixture()));
  EXPECT_LE(widest_line(text), 80u);
  testing::expect_golden("gauntlet_matrix.txt", text);
}

// 2 scenarios x 12 presets x 2 schedulers: 24 columns would take four
// blocks of five; transposed, the two scenarios fit in one block.
TEST(ReportMatrix, WideMatricesWrapOrTranspose) {
  auto m = model_of(synthetic(2, 12, {"eevdf", "scx_simple"}, {"auto"}));
  std::string text = render_matrix_text(m);
  EXPECT_LE(widest_line(text), 80u);
  EXPECT_THAT(text, HasSubstr("scenarios:\n  [1] scenario_number_0\n"));
  EXPECT_THAT(text, HasSubstr("\n12cpu-1llc-nosmt / scx_simple  pass      pass\n"));
  // Many scenarios too: the normal orientation, in blocks of columns.
  m = model_of(synthetic(12, 6, {"eevdf", "scx_simple"}, {"auto"}));
  text = render_matrix_text(m);
  EXPECT_LE(widest_line(text), 80u);
  EXPECT_THAT(text, HasSubstr("columns:\n  [1] 1cpu-1llc-nosmt / eevdf\n"));
  const std::regex header("\nSCENARIO +\\[1\\]");
  EXPECT_TRUE(std::regex_search(text, header));
  EXPECT_THAT(text, HasSubstr("[12]"));
  size_t blocks = 0;
  for (size_t p = text.find("\nSCENARIO"); p != std::string::npos;
       p = text.find("\nSCENARIO", p + 1)) {
    ++blocks;
  }
  // 12 columns, 6 per block beside 18-character names; transposed, 12
  // scenario columns would take 3 blocks of 5 beside 28-character labels.
  EXPECT_EQ(blocks, 2u);
  EXPECT_THAT(text, HasSubstr("\n  144 pass\n"));
}

TEST(ReportMatrix, SeveralKernelsAreColumnsToo) {
  auto m = model_of(synthetic(1, 1, {"eevdf"}, {"sched-ext", "debian"}));
  ASSERT_EQ(m.columns.size(), 2u);
  EXPECT_EQ(m.column_label(1), "1cpu-1llc-nosmt / eevdf / debian");
  EXPECT_THAT(render_matrix_text(m), HasSubstr("x 2 kernels = 2 cells"));
  const std::string xml = render_matrix_junit(m);
  EXPECT_THAT(xml, HasSubstr("name=\"ktstr.gauntlet.1cpu-1llc-nosmt.eevdf.debian\""));
}

TEST(ReportMatrix, GoldenJunitHasASuitePerColumn) {
  const std::string xml = render_matrix_junit(model_of(fixture()));
  testing::expect_golden("gauntlet_matrix.junit.xml", xml);
  size_t suites = 0;
  for (size_t p = xml.find("<testsuite "); p != std::string::npos;
       p = xml.find("<testsuite ", p + 1)) {
    ++suites;
  }
  EXPECT_EQ(suites, 4u);
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"ktstr gauntlet\" tests=\"12\" failures=\"1\" "
                             "errors=\"1\" time="));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"cgroup cg_0: worker 2 max gap 3500ms &gt; "
                             "2000ms\" type=\"fail\">"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"not-run\"/>"));
}

TEST(ReportMatrix, GoldenHtmlView) {
  testing::expect_golden("gauntlet_matrix.html_view.json",
                         build_matrix_html_view(model_of(fixture())).dump(1) + "\n");
}

// Every cell link has its section; cells without a job link nowhere.
TEST(ReportMatrix, HtmlCellsLinkToTheirJobSections) {
  const std::string html = render_matrix_html(model_of(fixture()));
  std::set<std::string> links, anchors;
  const std::regex href("href=\"#(job-[0-9]+)\""), id("<section class=\"job\" id=\"(job-[0-9]+)\"");
  for (std::sregex_iterator it(html.begin(), html.end(), href), end; it != end; ++it) {
    links.insert((*it)[1]);
  }
  for (std::sregex_iterator it(html.begin(), html.end(), id), end; it != end; ++it) {
    anchors.insert((*it)[1]);
  }
  EXPECT_EQ(links.size(), 10u);
  EXPECT_EQ(links, anchors);
  EXPECT_THAT(html, HasSubstr("<td class=\"v-fail\" title=\"steady@4cpu-1llc-nosmt/scx_simple/"
                              "auto\"><a href=\"#job-2\">FAIL</a></td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"v-skip\" title=\"needs more than one NUMA node"));
  EXPECT_THAT(html, HasSubstr("<th colspan=\"2\">16cpu-4llc-2n-smt</th>"));
  EXPECT_EQ(html.find("</style", html.find("<style>") + 7), html.find("</style>"));
}

}  // namespace
}  // namespace ktstr::report
