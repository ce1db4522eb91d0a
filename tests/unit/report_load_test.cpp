// The one-call loaders behind `ktstr compare` and `ktstr report`: every
// input failure is kInvalidInput (exit 2) and names the file or flag.
#include <gtest/gtest.h>

#include "report/min_effects.hpp"
#include "report/outputs.hpp"
#include "report_golden.hpp"

namespace ktstr::report {
namespace {

using testing::report_data;

TEST(CompareFiles, ComparesAsCompareRuns) {
  CompareFiles f{report_data("compare_a.json"), report_data("compare_b.json"), {}, {}};
  auto r = compare_files(f);
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  auto a = load_compare_input(f.a);
  auto b = load_compare_input(f.b);
  ASSERT_TRUE(a && b);
  auto direct = compare_runs(*a, *b, {});
  ASSERT_TRUE(direct.has_value());
  EXPECT_EQ(r->regressions, direct->regressions);
  EXPECT_EQ(render_compare_text(*r), render_compare_text(*direct));
}

TEST(CompareFiles, EveryFailureIsInvalidInput) {
  CompareFiles missing{"/nonexistent/a.json", report_data("compare_b.json"), {}, {}};
  auto r = compare_files(missing);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);

  CompareFiles bad_effect{
      report_data("compare_a.json"), report_data("compare_b.json"), {"wake_p99_us"}, {}};
  auto e = compare_files(bad_effect);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(e.error().context, "--min-effect");

  CompareFiles bad_alpha{report_data("compare_a.json"), report_data("compare_b.json"), {}, {}};
  bad_alpha.options.alpha = 0.9;
  auto al = compare_files(bad_alpha);
  ASSERT_FALSE(al.has_value());
  EXPECT_EQ(al.error().kind, ErrorKind::kInvalidInput);
}

TEST(LoadRunDocument, ReadsARunDocument) {
  auto run = load_run_document(report_data("run_mixed.json"));
  ASSERT_TRUE(run.has_value()) << run.error().describe();
  EXPECT_FALSE(run->scenarios.empty());
}

TEST(LoadRunDocument, UnreadableFileIsInvalidInput) {
  auto run = load_run_document("/nonexistent/run.json");
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error().kind, ErrorKind::kInvalidInput);
}

TEST(LoadRunDocument, ParseErrorsNameTheFile) {
  auto garbage = load_run_document(report_data("make_fixtures.py"));
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().context.rfind(report_data("make_fixtures.py"), 0), 0U)
      << garbage.error().describe();
}

TEST(OutputOptions, AnyIsSetByEachPath) {
  EXPECT_FALSE(OutputOptions{}.any());
  EXPECT_TRUE((OutputOptions{"j.xml", "", ""}.any()));
  EXPECT_TRUE((OutputOptions{"", "r.html", ""}.any()));
  EXPECT_TRUE((OutputOptions{"", "", "t.json"}.any()));
}

}  // namespace
}  // namespace ktstr::report
