// Hostile and careless command lines (issue 17, items 1, 2 and 5) against
// the built binary: each is refused with exit 2 and a message naming the
// flag or field and the valid range, before anything is created: no run
// cgroup tree and no child is left behind.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "leak_checker.hpp"
#include "scenario_support.hpp"

namespace ktstr::testing {
namespace {

// Run trees (ktstr-<pid>...) whose owner is dead: what a refused run would
// leave. Live runs of other tests or users on this host are not counted.
std::set<std::string> dead_run_trees() {
  std::set<std::string> out;
  auto roots = cgroup::live_cgroup_roots();
  if (!roots) return out;
  for (const auto& root : *roots) {
    DIR* d = opendir(root.c_str());
    if (d == nullptr) continue;
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.rfind("ktstr-", 0) != 0) continue;
      const pid_t pid = static_cast<pid_t>(std::atoi(n.c_str() + 6));
      if (pid > 0 && ::kill(pid, 0) != 0) out.insert(root + "/" + n);
    }
    closedir(d);
  }
  return out;
}

// A scenario file in a private temp dir, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char dir[] = "/tmp/ktstr_val_XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/s.toml";
    std::ofstream(path_) << text;
  }
  ~TempFile() {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

struct Case {
  std::vector<std::string> args;
  std::vector<std::string> words;  // each must appear in stderr
};

void expect_refused(const Case& c) {
  const auto trees_before = dead_run_trees();
  LeakChecker leaks;
  std::string line;
  for (const auto& a : c.args) line += a + " ";
  SCOPED_TRACE(line);
  const CliResult r = run_ktstr(c.args);
  EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
  for (const auto& w : c.words) EXPECT_NE(r.err.find(w), std::string::npos) << w << "\n" << r.err;
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
  EXPECT_EQ(leaks.check(), "");
  EXPECT_EQ(dead_run_trees(), trees_before);
}

TEST(InputValidationCli, WorkerCountsNear2To63AndNegative) {
  expect_refused({{"workload", "--workers", "-1", "--duration", "100ms"},
                  {"--workers", "must be an integer in 1..4096, got -1"}});
  expect_refused({{"workload", "--workers", "9223372036854775807", "--duration", "100ms"},
                  {"--workers", "1..4096", "9223372036854775807"}});
  expect_refused(
      {{"run", "steady", "--workers", "-1", "--duration", "200ms"}, {"--workers", "got -1"}});
  expect_refused({{"run", "steady", "--workers", "9223372036854775808", "--duration", "200ms"},
                  {"--workers", "1..4096"}});
}

TEST(InputValidationCli, NiceSeedAndJobsAreCheckedAsTyped) {
  expect_refused({{"workload", "--nice", "40"}, {"--nice", "-20..19", "got 40"}});
  expect_refused({{"run", "steady", "--seed", "-1", "--dry-run"}, {"--seed", "got -1"}});
}

TEST(InputValidationCli, WrappingUidIsRefusedAtItsLine) {
  TempFile f(
      "name = \"wrap\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\n[[cgroup.work]]\n"
      "type = \"spin_wait\"\nworkers = 1\nuid = 4294967296\n");
  expect_refused({{"run", f.path(), "--duration", "200ms"},
                  {f.path() + ":8", "uid must be in 0..4294967294, got 4294967296"}});
}

TEST(InputValidationCli, CpusetPastTheLastCpu) {
  TempFile f(
      "name = \"far\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\ncpuset = \"0-8000\"\n"
      "work = [{ type = \"spin_wait\", workers = 1 }]\n");
  expect_refused({{"run", f.path(), "--duration", "200ms"},
                  {f.path() + ":3", "CPUs", "do not exist on this machine"}});
  expect_refused({{"workload", "--affinity", "0-8000", "--duration", "100ms"},
                  {"--affinity", "do not exist on this machine"}});
  expect_refused({{"workload", "--affinity", "0-2147483647"}, {"--affinity", "past the largest"}});
}

TEST(InputValidationCli, MemPolicyNamingANodeThatDoesNotExist) {
  TempFile f(
      "name = \"nodes\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\n"
      "work = [{ type = \"spin_wait\", workers = 1, mem_policy = \"bind:1000\" }]\n");
  expect_refused({{"run", f.path(), "--duration", "200ms"},
                  {"mem_policy 'bind:1000'", "NUMA nodes 1000 do not exist on this machine"}});
}

TEST(InputValidationCli, DryRunListsEveryProblemAtOnce) {
  TempFile a(
      "name = \"many\"\nduration = \"1s\"\n[[cgroup]]\nname = \"a\"\ncpuset = \"0-8000\"\n"
      "work = [{ type = \"spin_wait\", workers = 1, mem_policy = \"bind:1000\" }]\n"
      "[[cgroup]]\nname = \"b\"\nwork = [{ type = \"spin_wait\", params = { nope = 1 } }]\n");
  TempFile b("name = \"broken\"\nduration = \"1s\"\nnot_a_key = 1\n");
  expect_refused({{"run", a.path(), b.path(), "--dry-run", "--check", "no_such_check=1"},
                  {"do not exist on this machine", "NUMA nodes 1000", "has no parameter 'nope'",
                   "unknown key 'not_a_key'", "no_such_check", "dry run found 5 problem(s)"}});
  // The same against a VM topology, without booting one.
  expect_refused({{"run", a.path(), "--dry-run", "--vm", "--topology", "1n1l2c1t"},
                  {"do not exist on the VM (1n1l2c1t)"}});
  const CliResult ok = run_ktstr({"run", "steady", "--dry-run", "--vm", "--topology", "1n2l2c1t"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("steady\t"), std::string::npos) << ok.out;
}

TEST(InputValidationCli, VmOnlyFlagsWithoutVm) {
  expect_refused({{"run", "steady", "--scheduler", "scx_simple", "--dry-run"},
                  {"--scheduler needs --vm", "on the host the running scheduler is tested"}});
  expect_refused({{"run", "steady", "--topology=1n2l2c1t"}, {"--topology needs --vm"}});
  expect_refused({{"workload", "--kernel", "sched-ext"}, {"--kernel needs --vm"}});
  expect_refused({{"vm", "sysinfo", "--accel", "tcg"}, {"--accel needs --vm"}});
}

TEST(InputValidationCli, RepeatableOptionsDoNotSwallowPositionals) {
  const CliResult r = run_ktstr({"run", "--check", "max_gap_ms=500", "steady", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("steady\t", 0), 0U) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "only steady is selected: " << r.out;
}

TEST(InputValidationCli, UnknownSubcommandsSuggestTheNearest) {
  expect_refused({{"rnu", "steady"}, {"unknown command 'rnu'", "did you mean 'run'?"}});
  expect_refused({{"vm", "shel"}, {"unknown command 'shel'", "did you mean 'shell'?", "ktstr vm"}});
  expect_refused({{"kernel", "bulid"}, {"did you mean 'build'?"}});
}

// The last-resort handler (item 1): an exception that escapes every layer
// after workers started (injected: an allocation cannot be made to fail at
// that point on demand) ends in a clear message and exit 3 (out of memory)
// or 2 (a value that got past validation), after the run tree and its
// workers were torn down: a tree left behind would still hold them.
TEST(InputValidationCli, EscapedExceptionAfterStartTearsDownAndExplains) {
  struct Fault {
    const char* spec;
    int exit_code;
    const char* words;
  };
  for (const Fault& f : {Fault{"workers_started:bad_alloc", 3, "unexpected out of memory"},
                         Fault{"workers_started:logic_error", 2, "unexpected invalid value"}}) {
    SCOPED_TRACE(f.spec);
    const auto trees_before = dead_run_trees();
    LeakChecker leaks;
    ::setenv("KTSTR_INJECT_FAULT", f.spec, 1);
    const CliResult r = run_ktstr({"run", "steady", "--duration", "2s", "--confirm", "0"});
    ::unsetenv("KTSTR_INJECT_FAULT");
    EXPECT_EQ(r.exit_code, f.exit_code) << r.err << r.out;
    EXPECT_NE(r.err.find(f.words), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the run was torn down"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
    EXPECT_EQ(leaks.check(), "");
    EXPECT_EQ(dead_run_trees(), trees_before);
  }
}

}  // namespace
}  // namespace ktstr::testing
