// workload::spec_from_flags: the `ktstr workload` flags into one validated
// work group; every syntax error names the flag it came from.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ktstr::workload
