// Harness death leaves nothing running (issue 17, items 6 and 7): workers
// hold only their own fds, teardown signals exit 130, a harness SIGKILLed
// while its workers are frozen leaves nothing once `ktstr cleanup` ran, and
// a worker that SIGKILL cannot end is reported with evidence, not waited on.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cgroup/path.hpp"
#include "cgroup_test_support.hpp"
#include "cli_runner.hpp"
#include "leak_checker.hpp"
#include "sys/subprocess.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"
#include "workload_harness.hpp"

namespace ktstr {
namespace {

using testing::LeakChecker;
using testing::make_config;
using workload::ExitInfo;
using workload::WorkloadHandle;

constexpr const char* kFreezerRoot = "/sys/fs/cgroup/freezer";

std::string fd_target(pid_t pid, const std::string& fd) {
  char buf[256] = {};
  std::string link = fmt::format("/proc/{}/fd/{}", pid, fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("?");
}

// fd number -> link target of every open fd of `pid`.
std::map<int, std::string> open_fds(pid_t pid) {
  std::map<int, std::string> out;
  std::string dir = fmt::format("/proc/{}/fd", pid);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    out[std::atoi(e->d_name)] = fd_target(pid, e->d_name);
  }
  ::closedir(d);
  return out;
}

bool alive(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(in, line)) return false;
  return line.find(") Z") == std::string::npos;
}

// A worker holds stdio on /dev/null, its start and report pipes, its unit's
// pipes and what it opened itself; nothing of the harness's (its stdout, a
// pipe it made, another group's pipes).
TEST(HarnessDeath, WorkerHoldsOnlyItsOwnFds) {
  LeakChecker leaks;
  int foreign[2];
  ASSERT_EQ(::pipe2(foreign, O_CLOEXEC), 0);
  const std::string foreign_target = fd_target(::getpid(), std::to_string(foreign[0]));
  {
    auto c = make_config("spin_wait", 1);
    workload::WorkSpec pipes;
    pipes.work.name = "pipe_io";
    pipes.num_workers = 4;
    c.composed = {pipes, pipes};
    auto h = WorkloadHandle::spawn(c);
    ASSERT_TRUE(h) << h.error().describe();
    h->start();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto pids = h->worker_pids();
    ASSERT_EQ(pids.size(), 9u);
    std::set<std::string> group_pipes[3];
    for (size_t i = 0; i < pids.size(); ++i) {
      const size_t group = i == 0 ? 0 : (i - 1) / 4 + 1;
      auto fds = open_fds(pids[i]);
      ASSERT_FALSE(fds.empty()) << "worker " << pids[i];
      std::string listing;
      for (const auto& [fd, target] : fds) listing += fmt::format("{} -> {}; ", fd, target);
      for (int std_fd = 0; std_fd < 3; ++std_fd) {
        EXPECT_EQ(fds[std_fd], "/dev/null") << listing;
      }
      // stdio 3, start + report pipes 2, schedstat 1, unit pipes (pipe_io: 2
      // pipes of 2 ends), nothing else.
      EXPECT_LE(fds.size(), group == 0 ? 6u : 10u) << listing;
      for (const auto& [fd, target] : fds) {
        EXPECT_NE(target, foreign_target) << "the harness's own pipe leaked: " << listing;
        if (fd > 2 && target.rfind("pipe:", 0) == 0) group_pipes[group].insert(target);
      }
    }
    // No pipe is shared between the two pipe_io groups but the start pipe
    // every worker holds (the spin_wait worker has nothing else).
    for (const auto& p : group_pipes[1]) {
      if (group_pipes[0].count(p) == 0) {
        EXPECT_EQ(group_pipes[2].count(p), 0u) << p;
      }
    }
    auto reports = h->stop_and_collect();
    ASSERT_EQ(reports.size(), 9u);
    for (const auto& r : reports) EXPECT_TRUE(r.completed);
  }
  ::close(foreign[0]);
  ::close(foreign[1]);
  EXPECT_EQ(leaks.check(), "");
}

// A v1 freezer hierarchy (its root has the v1-only `tasks` file).
bool have_v1_freezer() {
  return ::geteuid() == 0 && ::access((std::string(kFreezerRoot) + "/tasks").c_str(), F_OK) == 0;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// A v1-frozen worker ignores SIGKILL until thawed. Collection must not hang
// on it: after the reap deadline it is reported as a wait failure carrying
// its state, and the handle reaps it once it is thawed.
TEST(HarnessDeath, UnkillableWorkerIsReportedWithEvidence) {
  if (!have_v1_freezer()) GTEST_SKIP() << "needs root and a cgroup v1 freezer hierarchy";
  LeakChecker leaks;
  const std::string dir = fmt::format("{}/ktstr-{}-evidence", kFreezerRoot, ::getpid());
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0) << dir;
  {
    auto h = WorkloadHandle::spawn(make_config("spin_wait", 2));
    ASSERT_TRUE(h) << h.error().describe();
    h->start();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const pid_t frozen = h->worker_pids()[1];
    write_text(dir + "/cgroup.procs", std::to_string(frozen));
    write_text(dir + "/freezer.state", "FROZEN");
    for (int i = 0; i < 200 && cgroup::testing::read_trimmed(dir + "/freezer.state") != "FROZEN";
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(cgroup::testing::read_trimmed(dir + "/freezer.state"), "FROZEN");
    const auto t0 = std::chrono::steady_clock::now();
    auto reports = h->stop_and_collect();
    const auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_TRUE(reports[0].completed);
    ASSERT_TRUE(reports[1].exit_info);
    const ExitInfo& info = *reports[1].exit_info;
    EXPECT_EQ(info.kind, ExitInfo::Kind::kWaitFailed);
    EXPECT_EQ(info.code, ETIMEDOUT);
    EXPECT_NE(info.message.find("not reaped 5000 ms after SIGKILL"), std::string::npos)
        << info.message;
    EXPECT_NE(info.message.find("state "), std::string::npos) << info.message;
    // Ready wait + collect deadline + reap deadline, not forever.
    EXPECT_LT(took, std::chrono::seconds(20));
    EXPECT_TRUE(alive(frozen)) << "still frozen, so still there";
    write_text(dir + "/freezer.state", "THAWED");
  }  // the handle's destructor reaps the thawed worker
  EXPECT_EQ(::rmdir(dir.c_str()), 0) << dir;
  EXPECT_EQ(leaks.check(), "");
}

std::string make_temp_dir_for_test() {
  std::string tmpl = "/tmp/harness-death-XXXXXX";
  return ::mkdtemp(tmpl.data()) != nullptr ? tmpl : std::string("/tmp");
}

bool remove_tree_for_test(const std::string& dir) {
  ::unlink((dir + "/frozen_hold.toml").c_str());
  return ::rmdir(dir.c_str()) == 0;
}

// A scenario whose one cgroup is frozen for the whole (long) run.
std::string frozen_scenario(const std::string& dir) {
  const std::string path = dir + "/frozen_hold.toml";
  write_text(path, R"(name = "frozen_hold"
duration = "60s"

[[cgroup]]
name = "frozen"
work = [{ type = "spin_wait", workers = 2 }]

[[step]]
ops = [{ op = "freeze", cgroup = "frozen" }]

[checks]
max_gap_ms = false
max_spread_pct = false
)");
  return path;
}

// Every cgroup directory of the run trees of `pid` in `root`.
std::vector<std::string> run_tree_dirs(const std::string& root, pid_t pid) {
  std::vector<std::string> out;
  DIR* d = ::opendir(root.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    auto owner = cgroup::run_name_pid(e->d_name);
    if (owner && *owner == pid) out.push_back(root + "/" + e->d_name);
  }
  ::closedir(d);
  for (size_t i = 0; i < out.size(); ++i) {
    DIR* sub = ::opendir(out[i].c_str());
    if (sub == nullptr) continue;
    while (dirent* e = ::readdir(sub)) {
      if (e->d_type == DT_DIR && e->d_name[0] != '.') out.push_back(out[i] + "/" + e->d_name);
    }
    ::closedir(sub);
  }
  return out;
}

// Pids in a frozen cgroup of `pid`'s freezer tree, once there is one.
std::vector<pid_t> wait_for_frozen_workers(pid_t pid, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    for (const auto& dir : run_tree_dirs(kFreezerRoot, pid)) {
      if (cgroup::testing::read_trimmed(dir + "/freezer.state") != "FROZEN") continue;
      auto procs = read_file(dir + "/cgroup.procs");
      std::vector<pid_t> pids;
      std::istringstream in(procs ? *procs : "");
      for (pid_t p; in >> p;) pids.push_back(p);
      if (!pids.empty()) return pids;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

// True when `fd` reports EOF within `timeout_ms` (data before it is read).
bool eof_within(int fd, int timeout_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    if (::read(fd, buf, sizeof buf) == 0) return true;
  }
  return false;
}

sys::Subprocess start_ktstr(std::vector<std::string> args) {
  sys::SubprocessOptions o;
  o.argv = {KTSTR_BINARY};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.stdout_io = sys::Stdio::pipe();
  o.stderr_io = sys::Stdio::pipe();
  auto p = sys::Subprocess::start(std::move(o));
  return p ? std::move(*p) : sys::Subprocess();
}

void sigkill_frozen_run_then_cleanup(const std::string& tmp);

// `ktstr run | cat` with the workers frozen, then kill -9 of ktstr: the
// reader sees EOF at once (no worker holds the harness's stdout). The v1
// frozen workers outlive the harness (their PDEATHSIG SIGKILL waits for the
// thaw) until `ktstr cleanup` freezes, kills and thaws their tree.
TEST(HarnessDeath, SigkillWhileFrozenLeavesNothingAfterCleanup) {
  if (!have_v1_freezer()) GTEST_SKIP() << "needs root and a cgroup v1 freezer hierarchy";
  LeakChecker leaks;
  auto tmp = make_temp_dir_for_test();
  sigkill_frozen_run_then_cleanup(tmp);
  (void)remove_tree_for_test(tmp);
  EXPECT_EQ(leaks.check(), "");
}

void sigkill_frozen_run_then_cleanup(const std::string& tmp) {
  sys::Subprocess ktstr = start_ktstr({"run", frozen_scenario(tmp)});
  ASSERT_GT(ktstr.pid(), 0);
  const pid_t harness = ktstr.pid();
  const std::vector<pid_t> workers = wait_for_frozen_workers(harness, 30000);
  ASSERT_FALSE(workers.empty()) << "no frozen workers appeared";
  UniqueFd out = ktstr.take_stdout();
  UniqueFd err = ktstr.take_stderr();
  ::kill(harness, SIGKILL);
  ASSERT_TRUE(ktstr.wait_for(10000));
  EXPECT_TRUE(eof_within(out.get(), 2000)) << "a worker still holds the harness's stdout";
  EXPECT_TRUE(eof_within(err.get(), 2000)) << "a worker still holds the harness's stderr";
  for (pid_t w : workers)
    EXPECT_TRUE(alive(w)) << "frozen worker " << w << " should wait for a thaw";

  sys::SubprocessOptions cleanup;
  cleanup.argv = {KTSTR_BINARY, "cleanup", "--json"};
  cleanup.stdout_io = sys::Stdio::pipe();
  auto c = sys::Subprocess::start(std::move(cleanup));
  ASSERT_TRUE(c) << c.error().describe();
  const std::string json = sys::read_to_eof(c->stdout_fd());
  auto st = c->wait_for(30000);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->exit_code, 0) << json;
  EXPECT_NE(json.find("\"tasks_killed\""), std::string::npos) << json;
  for (pid_t w : workers) EXPECT_TRUE(testing::dies_soon(w)) << "worker " << w << " survived";
  for (const auto& root :
       {"/sys/fs/cgroup/freezer", "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/cpu"}) {
    EXPECT_TRUE(run_tree_dirs(root, harness).empty()) << root << " still has the dead run's tree";
  }
}

void sighup_run(const std::string& tmp);

// SIGHUP (a closed terminal) tears down like Ctrl-C: exit 130, nothing left.
TEST(HarnessDeath, SighupTearsDownWithExit130) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for cgroups";
  LeakChecker leaks;
  auto tmp = make_temp_dir_for_test();
  sighup_run(tmp);
  (void)remove_tree_for_test(tmp);
  EXPECT_EQ(leaks.check(), "");
}

void sighup_run(const std::string& tmp) {
  sys::Subprocess ktstr = start_ktstr({"run", frozen_scenario(tmp)});
  ASSERT_GT(ktstr.pid(), 0);
  const pid_t harness = ktstr.pid();
  std::vector<pid_t> workers;
  if (have_v1_freezer())
    workers = wait_for_frozen_workers(harness, 30000);
  else
    std::this_thread::sleep_for(std::chrono::seconds(2));
  ::kill(harness, SIGHUP);
  const std::string out = sys::read_to_eof(ktstr.stdout_fd());
  const std::string err = sys::read_to_eof(ktstr.stderr_fd());
  auto st = ktstr.wait_for(30000);
  ASSERT_TRUE(st) << "no exit 30 s after SIGHUP";
  EXPECT_EQ(st->exit_code, 130) << out << err;
  EXPECT_NE((out + err).find("interrupted"), std::string::npos) << out << err;
  for (pid_t w : workers) EXPECT_TRUE(testing::dies_soon(w)) << "worker " << w << " survived";
  for (const auto& root :
       {"/sys/fs/cgroup/freezer", "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/cpu"}) {
    EXPECT_TRUE(run_tree_dirs(root, harness).empty()) << root;
  }
}

}  // namespace
}  // namespace ktstr
