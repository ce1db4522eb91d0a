// A run that is SIGKILLed leaves its cgroup tree behind; cleanup_stale and
// `ktstr cleanup` remove it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "cgroup/cleanup.hpp"
#include "cgroup_test_support.hpp"
#include "leak_checker.hpp"

namespace ktstr::cgroup {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

// Forked child: builds a run tree `x/y` from `layout`, parks a sleeping
// grandchild in it, reports the grandchild's pid on `fd` and waits to be
// killed. Never returns.
[[noreturn]] void doomed_run(const CgroupLayout& layout, int fd) {
  CgroupManager::Options opts;
  opts.layout = layout;
  auto m = CgroupManager::create(std::move(opts));
  if (!m || !m->create("x/y")) ::_exit(1);
  pid_t grandchild = ::fork();
  if (grandchild == 0) {
    for (;;) ::pause();
  }
  if (grandchild < 0 || !m->move_pids("x/y", {grandchild})) ::_exit(1);
  if (::write(fd, &grandchild, sizeof grandchild) != static_cast<ssize_t>(sizeof grandchild)) {
    ::_exit(1);
  }
  for (;;) ::pause();
}

// Runs doomed_run in a child, SIGKILLs it once its tree exists; returns the
// dead child's pid and the orphaned grandchild's pid (reparented to us).
struct DeadRun {
  pid_t owner = -1;
  pid_t orphan = -1;
};
DeadRun kill_a_run(const CgroupLayout& layout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    doomed_run(layout, fds[1]);
  }
  ::close(fds[1]);
  auto orphan = read_pid(fds[0], 10000);
  ::close(fds[0]);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  return DeadRun{child, orphan.value_or(-1)};
}

// Becomes the reaper of orphaned grandchildren for the test's duration.
class SubreaperScope {
 public:
  SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }
  ~SubreaperScope() {
    if (orphan_ > 0) {
      ::kill(orphan_, SIGKILL);
      ::waitpid(orphan_, nullptr, 0);
    }
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  }
  void adopt(pid_t pid) { orphan_ = pid; }

 private:
  pid_t orphan_ = -1;
};

std::vector<std::string> unique_roots(const CgroupLayout& layout, std::vector<Controller> cs) {
  std::vector<std::string> out;
  for (Controller c : cs) {
    const std::string& r = layout.roots.at(c);
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

// The stale tree is built inside this test's own run tree ("sandbox"), so
// concurrent tests and `ktstr cleanup` runs cannot see or race with it.
TEST(CgroupCleanupLive, SigkilledRunIsRemovedByCleanupStale) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto outer = make_manager("sandbox");
  ASSERT_TRUE(outer) << outer.error().describe();
  ASSERT_TRUE(outer->create("sandbox"));
  CgroupLayout nested;
  nested.version = outer->layout().version;
  for (Controller c : {Controller::kCpuset, Controller::kCpu}) {
    nested.roots[c] = outer->path("sandbox", c);
  }
  std::vector<std::string> roots = unique_roots(nested, {Controller::kCpuset, Controller::kCpu});

  // A live run's tree in the same place must survive the cleanup.
  CgroupManager::Options live_opts;
  live_opts.layout = nested;
  live_opts.run_name = make_run_name(::getpid(), "live");
  auto live = CgroupManager::create(live_opts);
  ASSERT_TRUE(live) << live.error().describe();

  SubreaperScope reaper;
  DeadRun dead = kill_a_run(nested);
  reaper.adopt(dead.orphan);
  ASSERT_GT(dead.orphan, 0) << "the doomed run did not report its task";
  std::string name = make_run_name(dead.owner);
  for (const auto& r : roots) ASSERT_TRUE(exists(r + "/" + name + "/x/y")) << r;
  EXPECT_NE(proc_cgroup(dead.orphan, nested.version == 2 ? "" : "cpuset").find(name + "/x/y"),
            std::string::npos);

  CleanupReport report = cleanup_stale(roots);
  for (const auto& e : report.errors) ADD_FAILURE() << e.describe();
  ASSERT_EQ(report.removed.size(), roots.size());
  size_t killed = 0;
  for (size_t i = 0; i < roots.size(); ++i) {
    EXPECT_EQ(report.removed[i].path, roots[i] + "/" + name);
    EXPECT_EQ(report.removed[i].pid, dead.owner);
    EXPECT_EQ(report.removed[i].tasks_moved, 0u) << "killed, so nothing left to drain";
    EXPECT_FALSE(exists(report.removed[i].path));
    killed += report.removed[i].tasks_killed;
  }
  // The orphan is in every hierarchy's tree. The first tree's kill ends it,
  // but a later tree may still list it while it dies and kill it again.
  EXPECT_GE(killed, 1u);
  EXPECT_LE(killed, roots.size());
  EXPECT_TRUE(ktstr::testing::dies_soon(dead.orphan)) << "the dead run's task survived";
  EXPECT_TRUE(exists(live->path("")));
  EXPECT_TRUE(cleanup_stale(roots).removed.empty()) << "a second pass finds nothing";
}

std::string run_command(const std::string& cmd, int& exit_code) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(CgroupCleanupCli, RemovesAStaleTopLevelTree) {
  KTSTR_CGROUP_PRECONDITIONS();
  auto layout = detect_cgroup_layout_live();
  ASSERT_TRUE(layout);
  SubreaperScope reaper;
  DeadRun dead = kill_a_run(*layout);
  reaper.adopt(dead.orphan);
  ASSERT_GT(dead.orphan, 0);
  std::string name = make_run_name(dead.owner);

  int code = -1;
  std::string out = run_command(std::string(KTSTR_BINARY) + " cleanup --json", code);
  EXPECT_EQ(code, 0) << out;
  auto doc = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << out;
  EXPECT_TRUE(doc["errors"].empty()) << out;
  std::set<std::string> removed;
  for (const auto& t : doc["removed"]) {
    if (t["pid"] == dead.owner) removed.insert(t["path"].get<std::string>());
  }
  std::set<std::string> expected;
  for (const auto& r : unique_roots(*layout, {Controller::kCpuset, Controller::kCpu})) {
    expected.insert(r + "/" + name);
  }
  // A `ktstr run` starting meanwhile sweeps dead runs too and may have taken
  // some of them: what this cleanup reports must be among the expected.
  for (const auto& p : removed) EXPECT_EQ(expected.count(p), 1u) << p << "\n" << out;
  for (const auto& p : expected) EXPECT_FALSE(exists(p)) << p;
  EXPECT_TRUE(ktstr::testing::dies_soon(dead.orphan)) << "the dead run's task survived";
}

TEST(CgroupCleanupCli, NotRootExitsWithEnvironmentCode) {
  if (::geteuid() != 0) {
    int code = -1;
    run_command(std::string(KTSTR_BINARY) + " cleanup 2>&1", code);
    EXPECT_EQ(code, 3);
    return;
  }
  if (!exists("/usr/bin/setpriv")) GTEST_SKIP() << "setpriv (util-linux) is needed to drop root";
  int code = -1;
  std::string out = run_command("/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " +
                                    std::string(KTSTR_BINARY) + " cleanup 2>&1",
                                code);
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("needs root"), std::string::npos) << out;
}

}  // namespace
}  // namespace ktstr::cgroup
