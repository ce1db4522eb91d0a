// A scenario cannot reach outside the run: cgroup_attach_storm's dest stays
// in the run's cgroup tree, I/O types overwrite only block devices allowed
// with --allow-device, and a uid/gid drop clears the supplementary groups
// (or fails the worker, saying why).
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "integration/work_types_misc_util.hpp"
#include "integration/work_types_probe.hpp"
#include "integration/workload_harness.hpp"
#include "leak_checker.hpp"
#include "scenario/builder.hpp"
#include "scenario/engine.hpp"
#include "scenario_support.hpp"
#include "util/file_io.hpp"
#include "workload/work_type.hpp"
#include "workload/worker_context.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;

std::string write_scenario(const ScratchDir& dir, const std::string& dest) {
  const std::string path = dir.path() + "/storm.toml";
  std::ofstream(path)
      << "name = \"storm\"\nduration = \"300ms\"\n[[cgroup]]\nname = \"cg_0\"\n"
         "work = [{ type = \"cgroup_attach_storm\", workers = 1, params = { dest = \""
      << dest << "\" } }]\n";
  return path;
}

std::string read_text(const std::string& path) {
  auto text = read_file(path);
  return text ? *text : std::string();
}

// Runs `cmd` through sh; its stdout.
std::string shell(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
    pclose(p);
  }
  return out;
}

void expect_refused(const CliResult& r, std::initializer_list<const char*> words) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  for (const char* w : words) EXPECT_NE(r.err.find(w), std::string::npos) << w << ": " << r.err;
}

TEST(Confinement, AttachStormDestOutsideTheRunIsRefused) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  LeakChecker leaks;
  for (const char* dest : {"/sys/fs/cgroup", "../..", "cg_0/../../x"}) {
    expect_refused(run_ktstr({"run", write_scenario(dir, dest)}),
                   {"param dest=", "outside the run's cgroup tree"});
    expect_refused(run_ktstr({"workload", "--type", "cgroup_attach_storm", "--param",
                              std::string("dest=") + dest, "--duration", "100ms"}),
                   {"param dest=", "outside the run's cgroup tree"});
  }
  EXPECT_EQ(leaks.check(), "");
}

// With no run tree (ktstr workload, or a C++ caller that skipped
// validation) a dest is not attached to at all.
TEST(Confinement, AttachStormDestWithoutARunTreeAttachesNowhere) {
  auto reports = run_workload_for(
      make_config("cgroup_attach_storm", 1, {{"dest", "cg_1"}, {"reap", "waitpid"}}), 150'000'000);
  ASSERT_TRUE(reports.has_value()) << reports.error().describe();
  const auto& r = (*reports)[0];
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("needs the run's cgroup tree"), std::string::npos) << r.warnings[0];
  EXPECT_GT(r.extra.at("forks"), 0.0);
  EXPECT_EQ(r.extra.at("attach_ok"), 0.0);
  EXPECT_EQ(r.extra.at("attach_failed"), 0.0) << "nothing was attempted";
}

TEST(Confinement, RegularFileAsDeviceIsRefusedAndUnchanged) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string file = dir.path() + "/precious";
  const std::string content(8192, 'k');
  std::ofstream(file) << content;
  ASSERT_EQ(read_text(file), content);
  LeakChecker leaks;
  const std::string param = "device=" + file;
  expect_refused(
      run_ktstr({"workload", "--type", "io_sync_write", "--param", param, "--duration", "200ms"}),
      {"param device=", "not a block device"});
  expect_refused(run_ktstr({"workload", "--type", "io_convoy", "--param", param, "--allow-device",
                            file, "--duration", "200ms"}),
                 {"--allow-device", "not a block device"});
  EXPECT_EQ(read_text(file), content);
  EXPECT_EQ(leaks.check(), "");
}

TEST(Confinement, BlockDeviceNeedsAllowDevice) {
  struct stat st {};
  if (stat("/dev/loop7", &st) != 0 || !S_ISBLK(st.st_mode)) GTEST_SKIP() << "no /dev/loop7";
  expect_refused(run_ktstr({"workload", "--type", "io_sync_write", "--param", "device=/dev/loop7",
                            "--duration", "200ms"}),
                 {"param device=/dev/loop7", "--allow-device /dev/loop7"});
}

// A loop device over a zeroed file: allowed by name, it is written to.
TEST(Confinement, AllowedBlockDeviceIsWritten) {
  if (geteuid() != 0) GTEST_SKIP() << "losetup needs root";
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string img = dir.path() + "/disk.img";
  std::ofstream(img).flush();
  ASSERT_EQ(truncate(img.c_str(), 4 << 20), 0);
  std::string dev = shell("losetup -f --show " + img + " 2>/dev/null");
  while (!dev.empty() && dev.back() == '\n') dev.pop_back();
  if (dev.empty()) GTEST_SKIP() << "losetup cannot attach a loop device here";
  auto r = run_ktstr({"workload", "--type", "io_sync_write", "--param", "device=" + dev, "--param",
                      "file_mib=1", "--allow-device", dev, "--duration", "300ms", "--json"});
  shell("losetup -d " + dev);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rep = nlohmann::json::parse(r.out)["reports"][0];
  EXPECT_EQ(rep["extra"]["raw_device"].get<double>(), 1.0);
  EXPECT_GT(rep["extra"]["bytes_written"].get<double>(), 0.0);
  const std::string data = read_text(img);
  EXPECT_NE(data.find_first_not_of('\0'), std::string::npos) << "nothing reached the device";
}

// The "Groups:" and "Uid:" lines of /proc/<tid>/status.
std::pair<std::string, std::string> creds_of(pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/status");
  std::string line, groups = "?", uid = "?";
  while (std::getline(in, line)) {
    if (line.rfind("Groups:", 0) == 0) groups = line.substr(7);
    if (line.rfind("Uid:", 0) == 0) uid = line.substr(4);
  }
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  return {trim(groups), trim(uid)};
}

// Gives this test process supplementary groups for the test's length, so a
// worker that kept them would show them.
class SupplementaryGroups {
 public:
  SupplementaryGroups() {
    old_.resize(static_cast<size_t>(getgroups(0, nullptr)));
    ok_ = getgroups(static_cast<int>(old_.size()), old_.data()) >= 0;
    const gid_t extra[] = {4242, 4343};
    ok_ = ok_ && setgroups(2, extra) == 0;
  }
  ~SupplementaryGroups() { setgroups(old_.size(), old_.data()); }
  bool ok() const { return ok_; }

 private:
  std::vector<gid_t> old_;
  bool ok_ = false;
};

TEST(Confinement, UidDropLeavesNoSupplementaryGroups) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop to an unprivileged uid";
  SupplementaryGroups groups;
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(creds_of(getpid()).first, "4242 4343");
  for (CloneMode mode : {CloneMode::kFork, CloneMode::kThread}) {
    LeakChecker leaks;
    auto config = make_config("spin_wait", 2, {}, mode);
    config.uid = 65534;
    config.gid = 65534;
    std::set<std::string> seen_groups, seen_uids;
    auto reports = run_and_probe(config, 100'000'000, 10'000'000, [&](const auto& tids) {
      for (pid_t t : tids) {
        auto [g, u] = creds_of(t);
        seen_groups.insert(g);
        seen_uids.insert(u);
      }
    });
    ASSERT_TRUE(reports.has_value()) << reports.error().describe();
    expect_all_completed(*reports);
    EXPECT_EQ(seen_groups, std::set<std::string>{""}) << workload::to_string(mode);
    EXPECT_EQ(seen_uids, std::set<std::string>{"65534\t65534\t65534\t65534"});
    // A thread worker changed its own thread only.
    EXPECT_EQ(creds_of(getpid()).first, "4242 4343");
    EXPECT_EQ(leaks.check(), "");
  }
}

TEST(Confinement, PcommContainerDropsGroupsBeforeItsThreads) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop to an unprivileged uid";
  SupplementaryGroups groups;
  ASSERT_TRUE(groups.ok());
  workload::WorkSpec spec;
  spec.work.name = "spin_wait";
  spec.num_workers = 2;
  auto h = workload::WorkloadHandle::spawn_pcomm("ktstr-pc", 65534, 65534, {spec});
  ASSERT_TRUE(h.has_value()) << h.error().describe();
  h->start();
  sleep_for_ns(100'000'000);
  std::set<std::string> seen;
  for (pid_t t : h->worker_pids()) seen.insert(creds_of(t).first);
  const auto reports = h->stop_and_collect();
  expect_all_completed(reports);
  EXPECT_EQ(seen, std::set<std::string>{""});
}

// Without CAP_SETGID the groups cannot be dropped: every worker fails with
// the reason instead of running with credentials it was told to give up.
TEST(Confinement, FailedUidDropFailsTheWorkerWithTheReason) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to set up an unprivileged caller";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const gid_t extra[] = {4242};
    if (setgroups(1, extra) != 0 || setresgid(1000, 1000, 1000) != 0 ||
        setresuid(1000, 1000, 1000) != 0) {
      _exit(10);
    }
    for (CloneMode mode : {CloneMode::kFork, CloneMode::kThread}) {
      auto config = make_config("spin_wait", 1, {}, mode);
      config.uid = 65534;
      auto reports = run_workload_for(config, 50'000'000);
      if (!reports || reports->size() != 1) _exit(11);
      const auto& r = (*reports)[0];
      if (r.completed || r.work_units != 0 || !r.exit_info) _exit(12);
      if (r.exit_info->message.find("setgroups") == std::string::npos) _exit(13);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: setup failed, 11: no report, 12: the worker ran, "
                                       "13: the reason does not name setgroups";
}

// A custom worker that records, per controller line of its own
// /proc/thread-self/cgroup, whether it is the declared cgroup cg_0 of the
// run tree of its parent (the engine runs in this test process).
void record_own_cgroups(workload::WorkerContext& ctx) {
  const std::string run_cg = fmt::format("/ktstr-{}-limits/cg_0", getppid());
  const std::string text = "\n" + read_text("/proc/thread-self/cgroup");
  for (const char* controller : {":memory:", ":pids:", ":cpuset:", "\n0::"}) {
    const size_t at = text.find(controller);
    if (at == std::string::npos) continue;
    const size_t begin = at + std::strlen(controller);
    const std::string path = text.substr(begin, text.find('\n', begin) - begin);
    ctx.tel->set_extra(std::string("in_cg_0") + controller, path == run_cg ? 1 : 0);
  }
  while (!ctx.stopped()) sleep_for_ns(5'000'000);
}

// memory_max and pids_max apply to the run's own cgroup: on a v1 host the
// memory and pids hierarchies are mirrored from the run tree and the workers
// moved into cg_0 there, never anywhere else.
TEST(Confinement, MemoryAndPidsLimitsKeepWorkersInTheDeclaredCgroup) {
  KTSTR_SCENARIO_PRECONDITIONS();
  auto layout = cgroup::detect_cgroup_layout_live();
  ASSERT_TRUE(layout);
  const auto caps = layout->capabilities();
  if (!caps.memory || !caps.pids) GTEST_SKIP() << "needs the memory and pids controllers";
  workload::register_custom_work("record_own_cgroups", record_own_cgroups);
  LeakChecker leaks;
  auto s =
      scenario::ScenarioBuilder("limits")
          .duration("300ms")
          .cgroup(
              scenario::Cgroup("cg_0")
                  .memory_max(uint64_t{512} << 20)
                  .pids_max(64)
                  .work(scenario::Work("custom").param("name", "record_own_cgroups").workers(2)))
          .build();
  ASSERT_TRUE(s) << s.error().describe();
  scenario::EngineOptions o;
  o.run_tag = "limits";
  o.keep_reports = true;
  auto r = scenario::run_scenario(*s, o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_TRUE(r.reports.has_value());
  size_t workers = 0;
  for (const auto& cg : *r.reports) {
    for (const auto& rep : cg.reports) {
      ++workers;
      const auto keys =
          layout->version == 2
              ? std::vector<std::string>{"in_cg_0\n0::"}
              : std::vector<std::string>{"in_cg_0:memory:", "in_cg_0:pids:", "in_cg_0:cpuset:"};
      for (const auto& key : keys) {
        ASSERT_EQ(rep.extra.count(key), 1U) << key;
        EXPECT_EQ(rep.extra.at(key), 1.0) << key << " of worker " << rep.worker_index;
      }
    }
  }
  EXPECT_EQ(workers, 2U);
  EXPECT_TRUE(run_trees_of(getpid()).empty());
  EXPECT_EQ(leaks.check(), "");
}

}  // namespace
}  // namespace ktstr::testing
