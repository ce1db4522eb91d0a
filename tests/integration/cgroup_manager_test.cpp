// CgroupManager on the real cgroupfs (v1 fallback on the build hosts, v2 in
// VMs): tree creation, cpusets that move a real process's affinity, knobs
// read back from the kernel, teardown.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "cgroup/manager.hpp"
#include "cgroup_test_support.hpp"

namespace ktstr::cgroup {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

TEST(CgroupManager, NestedCpusetMovesARealProcess) {
  KTSTR_CGROUP_PRECONDITIONS();
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs 2 CPUs";
  auto m = make_manager("nested");
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_TRUE(m->create("a/b")) << "create a/b";
  EXPECT_TRUE(exists(m->path("a/b", Controller::kCpuset)));
  EXPECT_TRUE(exists(m->path("a/b", Controller::kCpu)));

  SleepingChild child;
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(m->set_cpuset("a/b", {1}, CpuSet{0}));
  Status moved = m->move_pids("a/b", {child.pid()});
  ASSERT_TRUE(moved) << moved.error().describe();

  EXPECT_EQ(cgroup_of(*m, child.pid(), Controller::kCpuset),
            expected_cgroup(*m, "a/b", Controller::kCpuset));
  EXPECT_EQ(cgroup_of(*m, child.pid(), Controller::kCpu),
            expected_cgroup(*m, "a/b", Controller::kCpu));
  EXPECT_EQ(status_field(child.pid(), "Cpus_allowed_list"), "1");
  auto listed = m->pids("a/b");
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, std::vector<pid_t>{child.pid()});
  EXPECT_TRUE(m->pids("a")->empty());

  // Affinity follows the cpuset when it changes under the task.
  ASSERT_TRUE(m->set_cpuset("a/b", {0}));
  EXPECT_EQ(status_field(child.pid(), "Cpus_allowed_list"), "0");
  EXPECT_EQ(*m->effective_cpus("a/b"), CpuSet{0});

  Status cleared = m->clear_cpuset("a/b");
  ASSERT_TRUE(cleared) << cleared.error().describe();
  auto all = m->effective_cpus("a");
  ASSERT_TRUE(all);
  EXPECT_EQ(*m->effective_cpus("a/b"), *all);
  EXPECT_EQ(status_field(child.pid(), "Cpus_allowed_list"), format_cpu_list(*all));

  // move_all, then remove drains to the run tree's parent (the root).
  ASSERT_TRUE(m->create("c"));
  ASSERT_TRUE(m->move_all("a/b", "c"));
  EXPECT_TRUE(m->pids("a/b")->empty());
  EXPECT_EQ(*m->pids("c"), std::vector<pid_t>{child.pid()});
  Status removed = m->remove("c");
  ASSERT_TRUE(removed) << removed.error().describe();
  EXPECT_FALSE(exists(m->path("c", Controller::kCpuset)));
  EXPECT_FALSE(exists(m->path("c", Controller::kCpu)));
  EXPECT_EQ(cgroup_of(*m, child.pid(), Controller::kCpuset), "/");
  EXPECT_FALSE(m->pids("c"));
}

TEST(CgroupManager, CpuWeightAndMaxReadBack) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto m = make_manager("cpu");
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_TRUE(m->create("w"));
  std::string dir = m->path("w", Controller::kCpu);
  bool v2 = m->layout().version == 2;
  struct Case {
    uint32_t weight;
    const char* shares;
  };
  for (Case c : {Case{100, "1024"}, Case{200, "2048"}, Case{1, "10"}, Case{10000, "102400"}}) {
    Status s = m->set_cpu_weight("w", c.weight);
    ASSERT_TRUE(s) << s.error().describe();
    if (v2) {
      EXPECT_EQ(read_trimmed(dir + "/cpu.weight"), std::to_string(c.weight));
    } else {
      EXPECT_EQ(read_trimmed(dir + "/cpu.shares"), c.shares) << "weight " << c.weight;
    }
  }
  EXPECT_EQ(m->set_cpu_weight("w", 0).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(m->set_cpu_weight("w", 10001).error().kind, ErrorKind::kInvalidInput);

  Status s = m->set_cpu_max("w", 50000, 200000);
  ASSERT_TRUE(s) << s.error().describe();
  if (v2) {
    EXPECT_EQ(read_trimmed(dir + "/cpu.max"), "50000 200000");
  } else {
    EXPECT_EQ(read_trimmed(dir + "/cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(read_trimmed(dir + "/cpu.cfs_period_us"), "200000");
  }
  ASSERT_TRUE(m->set_cpu_max("w", std::nullopt, 100000));
  if (v2) {
    EXPECT_EQ(read_trimmed(dir + "/cpu.max"), "max 100000");
  } else {
    EXPECT_EQ(read_trimmed(dir + "/cpu.cfs_quota_us"), "-1");
    EXPECT_EQ(read_trimmed(dir + "/cpu.cfs_period_us"), "100000");
  }
  EXPECT_EQ(m->set_cpu_max("w", 500, 100000).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(m->set_cpu_max("w", 5000, 10).error().kind, ErrorKind::kInvalidInput);
}

TEST(CgroupManager, MemoryAndPidsLimits) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto m = make_manager("limits");
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_TRUE(m->create("l/inner"));
  bool v2 = m->layout().version == 2;
  Capabilities caps = m->capabilities();
  Status mem = m->set_memory_max("l", uint64_t{64} << 20);
  if (!caps.memory) {
    ASSERT_FALSE(mem);
    EXPECT_EQ(mem.error().kind, ErrorKind::kEnvironment);
    EXPECT_NE(mem.error().message.find("memory controller is not available"), std::string::npos);
  } else {
    ASSERT_TRUE(mem) << mem.error().describe();
    std::string dir = m->path("l", Controller::kMemory);
    EXPECT_EQ(read_trimmed(dir + (v2 ? "/memory.max" : "/memory.limit_in_bytes")), "67108864");
    // The whole run tree was mirrored into the memory hierarchy.
    EXPECT_TRUE(exists(m->path("l/inner", Controller::kMemory)));
  }
  Status pids = m->set_pids_max("l/inner", 32);
  if (!caps.pids) {
    ASSERT_FALSE(pids);
    EXPECT_EQ(pids.error().kind, ErrorKind::kEnvironment);
  } else {
    ASSERT_TRUE(pids) << pids.error().describe();
    EXPECT_EQ(read_trimmed(m->path("l/inner", Controller::kPids) + "/pids.max"), "32");
    ASSERT_TRUE(m->set_pids_max("l/inner", std::nullopt));
    EXPECT_EQ(read_trimmed(m->path("l/inner", Controller::kPids) + "/pids.max"), "max");
  }
  std::vector<std::string> dirs;
  for (Controller c :
       {Controller::kCpuset, Controller::kCpu, Controller::kMemory, Controller::kPids}) {
    if (caps.has(c)) dirs.push_back(m->path("", c));
  }
  ASSERT_TRUE(m->teardown());
  for (const auto& d : dirs) EXPECT_FALSE(exists(d)) << d;
}

TEST(CgroupManager, FreezeAndThaw) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto m = make_manager("freeze");
  ASSERT_TRUE(m) << m.error().describe();
  if (!m->capabilities().freezer) GTEST_SKIP() << "no freezer controller";
  ASSERT_TRUE(m->create("f"));
  SleepingChild child;
  ASSERT_TRUE(m->move_pids("f", {child.pid()}));
  Status s = m->freeze("f", true);
  ASSERT_TRUE(s) << s.error().describe();
  bool v2 = m->layout().version == 2;
  std::string dir = m->path("f", Controller::kFreezer);
  EXPECT_EQ(cgroup_of(*m, child.pid(), Controller::kFreezer),
            expected_cgroup(*m, "f", Controller::kFreezer));
  if (v2) {
    EXPECT_NE(read_trimmed(dir + "/cgroup.events").find("frozen 1"), std::string::npos);
  } else {
    EXPECT_EQ(read_trimmed(dir + "/freezer.state"), "FROZEN");
  }
  ASSERT_TRUE(m->freeze("f", false));
  if (v2) {
    EXPECT_NE(read_trimmed(dir + "/cgroup.events").find("frozen 0"), std::string::npos);
  } else {
    EXPECT_EQ(read_trimmed(dir + "/freezer.state"), "THAWED");
  }
  // Teardown of a frozen cgroup with a task in it still succeeds.
  ASSERT_TRUE(m->freeze("f", true));
  EXPECT_TRUE(m->teardown());
  EXPECT_FALSE(exists(dir));
  EXPECT_EQ(cgroup_of(*m, child.pid(), Controller::kFreezer), "/");
}

TEST(CgroupManager, TeardownLeavesNothing) {
  KTSTR_CGROUP_PRECONDITIONS();
  std::vector<std::string> roots;
  SleepingChild child;
  {
    auto m = make_manager("teardown");
    ASSERT_TRUE(m) << m.error().describe();
    for (const char* rel : {"a/b/c", "a/d", "e"}) ASSERT_TRUE(m->create(rel)) << rel;
    ASSERT_TRUE(m->move_pids("a/b/c", {child.pid()}));
    roots = {m->path("", Controller::kCpuset), m->path("", Controller::kCpu)};
    for (const auto& r : roots) ASSERT_TRUE(exists(r + "/a/b/c")) << r;
    // Moving the manager transfers ownership: only the new owner tears down.
    CgroupManager moved = std::move(*m);
    EXPECT_TRUE(exists(roots[0]));
  }
  for (const auto& r : roots) EXPECT_FALSE(exists(r)) << r;
  auto layout = detect_cgroup_layout_live();
  ASSERT_TRUE(layout);
  EXPECT_EQ(proc_cgroup(child.pid(), layout->version == 2 ? "" : "cpuset"), "/");
  EXPECT_EQ(::kill(child.pid(), 0), 0) << "drained tasks keep running";
}

TEST(CgroupManager, RejectsPathsThatEscapeTheRunTree) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto m = make_manager("escape");
  ASSERT_TRUE(m) << m.error().describe();
  std::string base = m->layout().roots.at(Controller::kCpuset);
  for (const char* bad :
       {"..", "../escape", "a/../../escape", "/escape", "a//b", "", "x y", "./a", "a/."}) {
    Status c = m->create(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().kind, ErrorKind::kInvalidInput) << bad;
    EXPECT_EQ(c.error().context, fmt::format("cgroup '{}'", bad));
    EXPECT_FALSE(m->set_cpuset(bad, {0}));
    EXPECT_FALSE(m->set_cpu_weight(bad, 100));
    EXPECT_FALSE(m->move_pids(bad, {::getpid()}));
    EXPECT_FALSE(m->remove(bad));
    EXPECT_FALSE(m->freeze(bad, true));
    EXPECT_FALSE(m->pids(bad));
    EXPECT_EQ(m->path(bad), bad[0] == '\0' ? m->path("") : "");
  }
  EXPECT_FALSE(exists(base + "/escape"));
  EXPECT_EQ(proc_cgroup(::getpid(), m->layout().version == 2 ? "" : "cpuset").find("ktstr-"),
            std::string::npos);
  EXPECT_EQ(m->create("ok").has_value(), true);
}

TEST(CgroupManager, SecondManagerWithTheSameNameIsRefused) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto first = make_manager("dup");
  ASSERT_TRUE(first) << first.error().describe();
  auto second = make_manager("dup");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(second.error().message.find("ktstr cleanup"), std::string::npos);
  // The refused manager must not have removed the first one's tree.
  EXPECT_TRUE(exists(first->path("")));
}

}  // namespace
}  // namespace ktstr::cgroup

namespace ktstr::cgroup {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

TEST(CgroupManagerErrors, VetoedWriteIsRetriedThenNamesTheFile) {
  KTSTR_CGROUP_PRECONDITIONS();
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs 2 CPUs";
  auto m = make_manager("veto");
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_TRUE(m->create("p/c"));
  if (m->layout().version == 2) {
    // v2 vetoes tasks in a cgroup whose children have controllers enabled.
    SleepingChild child;
    Status moved = m->move_pids("p", {child.pid()});
    ASSERT_FALSE(moved);
    EXPECT_EQ(moved.error().err, EBUSY);
    EXPECT_NE(moved.error().context.find(m->path("p") + "/cgroup.procs"), std::string::npos);
    EXPECT_NE(moved.error().message.find("put tasks only in leaf cgroups"), std::string::npos)
        << moved.error().describe();
    EXPECT_NE(moved.error().message.find("after 8 attempts"), std::string::npos);
    return;
  }
  ASSERT_TRUE(m->set_cpuset("p/c", {1}));
  // v1 refuses to shrink a cpuset below a child's CPUs with EBUSY.
  Status s = m->set_cpuset("p", {0});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().err, EBUSY);
  EXPECT_EQ(s.error().context, m->path("p") + "/cpuset.cpus");
  EXPECT_NE(s.error().message.find("after 8 attempts"), std::string::npos) << s.error().describe();
  EXPECT_EQ(*m->effective_cpus("p/c"), CpuSet{1}) << "the refused change had no effect";
}

TEST(CgroupManagerErrors, MissingCgroupAndSelfMove) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto m = make_manager("missing");
  ASSERT_TRUE(m) << m.error().describe();
  Status s = m->set_cpu_weight("nope", 100);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().err, ENOENT);
  EXPECT_NE(s.error().context.find("/nope/cpu."), std::string::npos) << s.error().describe();
  auto p = m->pids("nope");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("create it first"), std::string::npos);
  ASSERT_TRUE(m->create("same"));
  SleepingChild child;
  ASSERT_TRUE(m->move_pids("same", {child.pid()}));
  EXPECT_TRUE(m->move_all("same", "same"));
  EXPECT_EQ(*m->pids("same"), std::vector<pid_t>{child.pid()});
  EXPECT_TRUE(m->remove("never-created")) << "removing what is not there is a no-op";
}

TEST(CgroupManagerErrors, ForkedChildDoesNotTearDownTheParentsTree) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto m = make_manager("fork");
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_TRUE(m->create("a"));
  pid_t pid = ::fork();
  if (pid == 0) {
    Status s = m->teardown();
    ::_exit(s && exists(m->path("a")) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(exists(m->path("a")));
  ASSERT_TRUE(m->teardown());
  EXPECT_FALSE(exists(m->path("")));
  EXPECT_FALSE(m->create("b")) << "a torn-down manager refuses work";
}

}  // namespace
}  // namespace ktstr::cgroup
