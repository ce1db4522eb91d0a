// scenario::RunFlags: the `ktstr run` flags into loop options, a non-empty
// selection, and the VM request of `ktstr run --vm`.
#include <gtest/gtest.h>

#include <algorithm>

#include "scenario/confirm.hpp"
#include "scenario/run_flags.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::scenario {
namespace {

TEST(RunFlags, LoopOptionsCarryTheFlags) {
  RunFlags f;
  f.repeat = 3;
  f.fail_fast = true;
  f.confirm = 4;
  f.strict = true;
  f.engine = {"250ms", 2, {}, false, 7};
  auto loop = loop_options_from_flags(f, /*keep_reports=*/true);
  ASSERT_TRUE(loop.has_value()) << loop.error().describe();
  EXPECT_EQ(loop->repeat, 3U);
  EXPECT_TRUE(loop->fail_fast);
  EXPECT_EQ(loop->confirm, 4U);
  EXPECT_TRUE(loop->strict);
  EXPECT_EQ(loop->engine.duration_ns, 250'000'000U);
  EXPECT_EQ(loop->engine.workers, 2U);
  EXPECT_EQ(loop->engine.seed, 7U);
  EXPECT_TRUE(loop->engine.keep_reports);
  EXPECT_FALSE(loop->progress);
  EXPECT_FALSE(loop->done);
}

TEST(RunFlags, ConfirmDefaultsToTwoForTheDefaultSetOnly) {
  RunFlags f;
  EXPECT_EQ(confirm_count(f), kDefaultSetConfirm);
  EXPECT_EQ(kDefaultSetConfirm, 2U);
  f.filter = "steady";  // still the default set, narrowed
  EXPECT_EQ(confirm_count(f), 2U);
  f.targets = {"steady"};
  EXPECT_EQ(confirm_count(f), 0U);
  f.confirm = 3;
  EXPECT_EQ(confirm_count(f), 3U);
  f.targets.clear();
  f.confirm = 0;
  EXPECT_EQ(confirm_count(f), 0U);
  // --keep-going is accepted and changes nothing: running to the end is the default.
  f.keep_going = true;
  auto loop = loop_options_from_flags(f, false);
  ASSERT_TRUE(loop.has_value());
  EXPECT_FALSE(loop->fail_fast);
}

TEST(RunFlags, LoopOptionsRefuseABadDuration) {
  RunFlags f;
  f.engine.duration = "soon";
  auto loop = loop_options_from_flags(f, false);
  ASSERT_FALSE(loop.has_value());
  EXPECT_EQ(loop.error().kind, ErrorKind::kInvalidInput);
}

TEST(RunFlags, EmptySelectionIsInvalid) {
  RunFlags f;
  f.filter = "no_scenario_has_this_name";
  auto s = select_for_run(f);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(s.error().message,
            "no scenario matches (filter 'no_scenario_has_this_name'); `ktstr list scenarios` "
            "shows them all");
}

TEST(RunFlags, SelectsByName) {
  RunFlags f;
  f.targets = {"steady"};
  auto s = select_for_run(f);
  ASSERT_TRUE(s.has_value()) << s.error().describe();
  ASSERT_EQ(s->size(), 1U);
  EXPECT_EQ((*s)[0].name, "steady");
}

TEST(RunFlags, VmRequestBudgetsThePlannedDurations) {
  RunFlags f;
  f.targets = {"steady"};
  f.repeat = 2;
  f.engine.duration = "3s";
  auto req = vm_run_request(vm::VmFlags{}, f, /*keep_reports=*/false);
  ASSERT_TRUE(req.has_value()) << req.error().describe();
  EXPECT_EQ(req->timeout_ms, vm::run_timeout_budget_ms({3'000'000'000ULL}, 2));
  std::vector<std::pair<std::string, std::string>> files;
  EXPECT_EQ(req->argv,
            vm::guest_run_argv(
                {{"steady"}, "3s", std::nullopt, "", 2, {}, 0, false, false, std::nullopt, false},
                files));
  EXPECT_TRUE(req->extra_files.empty());
}

TEST(RunFlags, VmRequestBudgetsEveryConfirmAttempt) {
  RunFlags f;
  f.targets = {"steady"};
  f.engine.duration = "3s";
  f.confirm = 2;
  f.fail_fast = true;
  auto req = vm_run_request(vm::VmFlags{}, f, false);
  ASSERT_TRUE(req.has_value()) << req.error().describe();
  EXPECT_EQ(req->timeout_ms, vm::run_timeout_budget_ms({3'000'000'000ULL}, 3));
  const auto& argv = req->argv;
  auto has = [&](const std::string& a) {
    return std::find(argv.begin(), argv.end(), a) != argv.end();
  };
  EXPECT_TRUE(has("--fail-fast"));
  auto at = std::find(argv.begin(), argv.end(), "--confirm");
  ASSERT_NE(at, argv.end());
  ASSERT_NE(at + 1, argv.end());
  EXPECT_EQ(*(at + 1), "2");
}

TEST(RunFlags, VmRequestKeepsAnExplicitTimeout) {
  RunFlags f;
  f.targets = {"steady"};
  vm::VmFlags v;
  v.timeout = "90s";
  auto req = vm_run_request(v, f, false);
  ASSERT_TRUE(req.has_value()) << req.error().describe();
  EXPECT_EQ(req->timeout_ms, 90000U);
}

TEST(RunFlags, VmRequestRefusesUnknownNamesAndBadDurations) {
  RunFlags f;
  f.targets = {"stedy"};
  auto unknown = vm_run_request(vm::VmFlags{}, f, false);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kInvalidInput);
  f.targets = {"steady"};
  f.engine.duration = "soon";
  auto bad = vm_run_request(vm::VmFlags{}, f, false);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().context.rfind("--duration", 0), 0U) << bad.error().describe();
}

}  // namespace
}  // namespace ktstr::scenario
