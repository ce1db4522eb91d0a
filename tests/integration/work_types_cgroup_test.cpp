// cgroup_churn and cgroup_attach_storm against temporary real cgroups (v1
// cpu hierarchy on hybrid hosts): the churning worker is seen in each churn
// cgroup through /proc/<pid>/cgroup, attach children report success by exit
// code, missing cgroups take the warned path, and thread/pcomm modes are
// refused.
#include <gtest/gtest.h>

#include <unistd.h>

#include <set>

#include "integration/work_types_probe.hpp"
#include "integration/workload_harness.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;

class WorkTypesCgroup : public ::testing::Test {
 private:
  ExclusiveTestMutex exclusive_;  // cgroup migrations crawl while RT tests hog a CPU
};

TEST_F(WorkTypesCgroup, CgroupChurnVisitsEveryChurnCgroup) {
  TempCgroup home("churn");
  if (!home.ok()) GTEST_SKIP() << "cannot create cgroups here (needs root and cgroupfs)";
  TempCgroup c0("churn_churn_0"), c1("churn_churn_1");
  ASSERT_TRUE(c0.ok() && c1.ok());
  auto config = make_config("cgroup_churn", 1, {{"cycle_ms", "20"}});
  config.cgroup_dir = home.path();
  std::set<std::string> seen;
  auto reports = run_and_probe(config, 400'000'000, 3'000'000, [&](const std::vector<pid_t>& p) {
    seen.insert(cgroup_of(p[0], home.controller()));
  });
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  const auto& r = (*reports)[0];
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  EXPECT_EQ(seen.count(c0.rel()), 1U) << "never seen in " << c0.rel();
  EXPECT_EQ(seen.count(c1.rel()), 1U) << "never seen in " << c1.rel();
  EXPECT_GE(r.extra.at("moves"), 2.0);
  EXPECT_EQ(r.extra.at("move_failures"), 0.0);
  // One move per 20 ms cycle.
  EXPECT_EQ(r.extra.at("moves"), static_cast<double>(r.iterations));
  EXPECT_GT(r.work_units, 0U);
}

TEST_F(WorkTypesCgroup, CgroupChurnWithoutChurnCgroupsWarnsAndSpins) {
  TempCgroup home("lonely");
  if (!home.ok()) GTEST_SKIP() << "cannot create cgroups here (needs root and cgroupfs)";
  auto config = make_config("cgroup_churn", 1, {{"cycle_ms", "10"}});
  config.cgroup_dir = home.path();
  auto reports = run_workload_for(config, 150'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  const auto& r = (*reports)[0];
  EXPECT_TRUE(r.completed);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("_churn_0"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(r.extra.at("moves"), 0.0);
  EXPECT_GT(r.work_units, 0U);
}

TEST_F(WorkTypesCgroup, CgroupChurnWithoutCgroupDirWarns) {
  auto reports =
      run_workload_for(make_config("cgroup_churn", 1, {{"cycle_ms", "10"}}), 100'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  ASSERT_EQ((*reports)[0].warnings.size(), 1U);
  EXPECT_NE((*reports)[0].warnings[0].find("no cgroup directory"), std::string::npos);
}

// A child cgroup of a TempCgroup standing in for the run's tree; removed
// (with retries while exited children leave it) before the tree.
class ChildCgroup {
 public:
  ChildCgroup(const TempCgroup& root, const std::string& name) : path_(root.path() + "/" + name) {
    ok_ = mkdir(path_.c_str(), 0755) == 0;
  }
  ChildCgroup(const ChildCgroup&) = delete;
  ChildCgroup& operator=(const ChildCgroup&) = delete;
  ~ChildCgroup() {
    for (int i = 0; ok_ && i < 200 && rmdir(path_.c_str()) != 0 && errno == EBUSY; ++i) {
      sleep_for_ns(5'000'000);
    }
  }
  bool ok() const { return ok_; }

 private:
  std::string path_;
  bool ok_ = false;
};

TEST_F(WorkTypesCgroup, CgroupAttachStormChildrenAttachToDest) {
  TempCgroup run_tree("attach");
  if (!run_tree.ok()) GTEST_SKIP() << "cannot create cgroups here (needs root and cgroupfs)";
  ChildCgroup dest(run_tree, "cg_dest");
  ASSERT_TRUE(dest.ok());
  auto config = make_config("cgroup_attach_storm", 2, {{"dest", "cg_dest"}, {"reap", "waitpid"}});
  config.cgroup_root = run_tree.path();
  auto reports = run_workload_for(config, 300'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  expect_all_completed(*reports);
  for (const auto& r : *reports) {
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_GE(r.extra.at("forks"), 1.0);
    // Exit code 0 means the child's write into dest/cgroup.procs succeeded.
    EXPECT_EQ(r.extra.at("attach_ok"), r.extra.at("forks"));
    EXPECT_EQ(r.extra.at("attach_failed"), 0.0);
    EXPECT_EQ(r.work_units, r.iterations);
  }
}

TEST_F(WorkTypesCgroup, CgroupAttachStormDefaultsToItsOwnV2Cgroup) {
  if (geteuid() != 0) GTEST_SKIP() << "attaching needs write access to cgroup.procs (root)";
  auto reports =
      run_workload_for(make_config("cgroup_attach_storm", 1, {{"reap", "waitpid"}}), 150'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  const auto& r = (*reports)[0];
  EXPECT_TRUE(r.completed);
  EXPECT_GE(r.extra.at("forks"), 1.0);
  if (r.warnings.empty()) {
    EXPECT_EQ(r.extra.at("attach_ok"), r.extra.at("forks"));
  } else {
    EXPECT_NE(r.warnings[0].find("no cgroup v2 hierarchy"), std::string::npos) << r.warnings[0];
  }
}

TEST_F(WorkTypesCgroup, CgroupAttachStormSigIgnLeavesNoZombies) {
  TempCgroup dest("attach_ign");
  if (!dest.ok()) GTEST_SKIP() << "cannot create cgroups here (needs root and cgroupfs)";
  size_t max_zombies = 0;
  auto config = make_config("cgroup_attach_storm", 1);
  config.cgroup_dir = dest.path();  // no dest: the worker's own cgroup
  auto reports =
      run_and_probe(config, 300'000'000, 10'000'000, [&](const std::vector<pid_t>& pids) {
        auto children = read_file("/proc/" + std::to_string(pids[0]) + "/task/" +
                                  std::to_string(pids[0]) + "/children");
        if (!children) return;
        std::istringstream in(*children);
        size_t zombies = 0;
        for (pid_t c; in >> c;) {
          if (auto st = read_file("/proc/" + std::to_string(c) + "/stat");
              st && st->find(") Z ") != std::string::npos) {
            ++zombies;
          }
        }
        max_zombies = std::max(max_zombies, zombies);
      });
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  const auto& r = (*reports)[0];
  EXPECT_TRUE(r.completed);
  EXPECT_GE(r.extra.at("forks"), 1.0);
  EXPECT_EQ(r.extra.count("attach_ok"), 0U) << "sig_ign mode cannot see exit codes";
  EXPECT_LE(max_zombies, 1U) << "children are reaped by the kernel, one in flight at most";
}

TEST_F(WorkTypesCgroup, CgroupAttachStormToAMissingDestWarnsAndCountsFailures) {
  TempCgroup run_tree("attach_missing");
  if (!run_tree.ok()) GTEST_SKIP() << "cannot create cgroups here (needs root and cgroupfs)";
  auto config =
      make_config("cgroup_attach_storm", 1, {{"dest", "no-such-cgroup"}, {"reap", "waitpid"}});
  config.cgroup_root = run_tree.path();
  auto reports = run_workload_for(config, 150'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  const auto& r = (*reports)[0];
  EXPECT_TRUE(r.completed);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("not writable"), std::string::npos) << r.warnings[0];
  EXPECT_GT(r.extra.at("attach_failed"), 0.0);
  EXPECT_EQ(r.extra.at("attach_ok"), 0.0);
}

TEST_F(WorkTypesCgroup, RejectsThreadPcommAndBadParameters) {
  expect_rejected(make_config("cgroup_churn", 1, {}, CloneMode::kThread), "clone_mode=thread");
  expect_rejected(make_config("cgroup_attach_storm", 1, {}, CloneMode::kThread),
                  "clone_mode=thread");
  expect_rejected(make_config("cgroup_churn", 1, {{"groups", "0"}}), "groups");
  expect_rejected(make_config("cgroup_churn", 1, {{"cycle_ms", "0"}}), "cycle_ms");
  expect_rejected(make_config("cgroup_attach_storm", 1, {{"reap", "wait"}}), "reap");
  for (const char* type : {"cgroup_churn", "cgroup_attach_storm"}) {
    workload::WorkSpec spec;
    spec.work.name = type;
    spec.num_workers = 1;
    auto h = workload::WorkloadHandle::spawn_pcomm("pc", std::nullopt, std::nullopt, {spec});
    ASSERT_FALSE(h.has_value()) << type;
    EXPECT_EQ(h.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(h.error().describe().find("pcomm"), std::string::npos) << h.error().describe();
  }
}

}  // namespace
}  // namespace ktstr::testing
