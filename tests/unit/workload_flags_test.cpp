// workload::spec_from_flags: the `ktstr workload` flags into one validated
// work group; every syntax error names the flag it came from.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/workload_text.hpp"
#include "scenario/workload_run.hpp"
#include "util/exit_codes.hpp"
#include "workload/flags.hpp"

namespace ktstr::workload {
namespace {

WorkloadFlags flags() {
  WorkloadFlags f;
  f.type = "spin_wait";
  f.workers = 2;
  return f;
}

void expect_flag_error(const WorkloadFlags& f, const std::string& flag) {
  auto r = spec_from_flags(f);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().context.rfind(flag, 0), 0U) << r.error().describe();
}

TEST(WorkloadFlags, DefaultsValidate) {
  auto r = spec_from_flags(WorkloadFlags{});
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->group.spec.work.name, "spin_wait");
  EXPECT_EQ(r->group.spec.num_workers, 1U);
  EXPECT_EQ(r->spawn.clone_mode, CloneMode::kFork);
  EXPECT_EQ(r->spawn.cgroup_dir, "");
}

TEST(WorkloadFlags, CarriesEveryFlag) {
  auto f = flags();
  f.type = "futex_ping_pong";  // workers in pairs
  f.clone_mode = "thread";
  f.params = {"spin_iters=0"};
  f.policy = "batch";
  f.nice = 5;
  f.affinity = "0";
  auto r = spec_from_flags(f);
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->spawn.clone_mode, CloneMode::kThread);
  EXPECT_EQ(r->group.spec.num_workers, 2U);
  EXPECT_EQ(r->group.spec.work.params.at("spin_iters"), "0");
  EXPECT_EQ(to_string(r->group.spec.sched_policy), "batch");
  EXPECT_EQ(r->group.spec.nice, 5);
  EXPECT_EQ(r->group.spec.affinity.kind, AffinityIntent::Kind::kExact);
  EXPECT_EQ(r->group.spec.affinity.cpus, (CpuSet{0}));
}

TEST(WorkloadFlags, BadParamNamesTheFlag) {
  auto f = flags();
  f.params = {"spin_iters"};
  expect_flag_error(f, "--param");
  f.params = {"=3"};
  expect_flag_error(f, "--param");
}

TEST(WorkloadFlags, BadPolicyNamesTheFlag) {
  auto f = flags();
  f.policy = "sometimes";
  expect_flag_error(f, "--policy");
}

TEST(WorkloadFlags, BadAffinityNamesTheFlag) {
  auto f = flags();
  f.affinity = "x-y";
  expect_flag_error(f, "--affinity");
}

TEST(WorkloadFlags, DurationIsParsedFirst) {
  auto f = flags();
  f.duration = "250ms";
  auto r = spec_from_flags(f);
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->duration_ns, 250'000'000U);
  EXPECT_EQ(spec_from_flags(WorkloadFlags{})->duration_ns, 5'000'000'000U);
  f.duration = "soon";
  f.clone_mode = "vfork";
  expect_flag_error(f, "--duration");
}

TEST(WorkloadFlags, BadCloneModeNamesTheFlag) {
  auto f = flags();
  f.clone_mode = "vfork";
  expect_flag_error(f, "--clone-mode");
}

TEST(WorkloadFlags, FieldRulesCarryTheGroupLabel) {
  auto f = flags();
  f.type = "no_such_work";
  auto r = spec_from_flags(f);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(r.error().describe().find("group 0 (no_such_work)"), std::string::npos)
      << r.error().describe();
}

TEST(WorkloadRunExit, InterruptedThenCompletion) {
  scenario::WorkloadRun run;
  run.summary.workers = 2;
  run.summary.completed = 2;
  EXPECT_EQ(scenario::workload_exit_code(run), kExitPass);
  run.summary.completed = 1;
  EXPECT_EQ(scenario::workload_exit_code(run), kExitFail);
  run.interrupted = true;
  run.summary.completed = 2;
  EXPECT_EQ(scenario::workload_exit_code(run), kExitInterrupted);
}

TEST(WorkloadRunOutput, JsonIsOneLineWithReportsAndSummary) {
  scenario::WorkloadRun run;
  run.summary.workers = 3;
  const std::string json = report::render_workload_output(run, "spin_wait", true);
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.find('\n'), json.size() - 1);
  auto j = nlohmann::json::parse(json);
  EXPECT_TRUE(j.at("reports").is_array());
  EXPECT_EQ(j.at("summary").at("workers"), 3);
  EXPECT_EQ(report::render_workload_output(run, "spin_wait", false),
            report::render_workload_text(run.reports, run.summary, "spin_wait"));
}

}  // namespace
}  // namespace ktstr::workload
