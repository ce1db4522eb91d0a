// `ktstr run` end to end: the built binary, real cgroups, exit codes, JSON,
// Ctrl-C and SIGKILL teardown.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "scenario_support.hpp"
#include "util/file_io.hpp"
#include "util/version.hpp"

namespace ktstr::scenario {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs ktstr with `args` (shell-quoted by the caller), capturing both streams.
CliRun run_ktstr(const std::string& args) {
  char err_path[] = "/tmp/ktstr_cli_err_XXXXXX";
  int fd = mkstemp(err_path);
  close(fd);
  const std::string cmd = std::string("'") + KTSTR_BINARY + "' " + args + " 2>'" + err_path + "'";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "re");
  if (p != nullptr) {
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  if (auto e = read_file(err_path)) r.err = *e;
  unlink(err_path);
  return r;
}

// A scenario file in a private temp dir, removed with the object.
class TempScenario {
 public:
  explicit TempScenario(const std::string& text) {
    char dir[] = "/tmp/ktstr_scn_XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/s.toml";
    std::ofstream(path_) << text;
  }
  ~TempScenario() {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

constexpr const char* kShort = R"(name = "cli_short"
duration = "1s"
[[cgroup]]
name = "cg_0"
cpuset = { range = { start = 0.0, end = 1.0 } }
work = [{ type = "spin_wait", workers_pct = 100 }]
[checks]
isolation = true
# These tests check the document and the process handling, not fairness; a
# 1 s run on a shared 2-CPU machine can show a large off-CPU spread.
max_spread_pct = false
)";

TEST(ScenarioCli, DryRunListsTheDefaultSet) {
  auto r = run_ktstr("run --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("steady\tbasic\tbuiltin:scenarios/steady.toml\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("steady_llc"), std::string::npos);
  auto listed = run_ktstr("list scenarios --json");
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_GE(nlohmann::json::parse(listed.out).size(), 60u);
  auto checks = run_ktstr("list checks");
  ASSERT_EQ(checks.exit_code, 0);
  EXPECT_NE(checks.out.find("max_spread_pct"), std::string::npos);
}

TEST(ScenarioCli, BadInputExits2NamingFileLineAndKey) {
  TempScenario bad("name = \"x\"\n[[cgroup]]\nname = \"a\"\ncpusett = \"0\"\n");
  auto r = run_ktstr("run '" + bad.path() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(bad.path() + ":4: unknown key 'cpusett' in [[cgroup]]; did you mean "
                                    "'cpuset'?"),
            std::string::npos)
      << r.err;
  auto unknown = run_ktstr("run stedy");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("did you mean 'steady'"), std::string::npos) << unknown.err;
  EXPECT_EQ(run_ktstr("run --duration 3parsecs steady").exit_code, 2);
  EXPECT_EQ(run_ktstr("run --check max_gap=5 steady").exit_code, 2);
}

TEST(ScenarioCli, FileRunWritesTheJsonDocument) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempScenario s(kShort);
  auto r = run_ktstr("run '" + s.path() + "' --json - --raw --check max_gap_ms=1500");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_FALSE(j["host"]["kernel"].get<std::string>().empty());
  ASSERT_EQ(j["scenarios"].size(), 1u);
  const auto& sc = j["scenarios"][0];
  EXPECT_EQ(sc["name"], "cli_short");
  EXPECT_EQ(sc["source"], s.path());
  ASSERT_EQ(sc["stats"]["cgroups"].size(), 1u);
  EXPECT_GT(sc["stats"]["cgroups"][0]["iterations"].get<uint64_t>(), 0u);
  EXPECT_EQ(sc["reports"][0]["cgroup"], "cg_0");
  EXPECT_GE(sc["reports"][0]["reports"].size(), 1u);
  bool saw_cli_threshold = false;
  for (const auto& c : sc["checks"]) {
    if (c["name"] == "max_gap_ms") {
      saw_cli_threshold = c["source"] == "cli" && c["threshold"] == 1500;
    }
    if (c["name"] == "isolation") {
      EXPECT_EQ(c["verdict"], "pass") << c.dump();
    }
  }
  EXPECT_TRUE(saw_cli_threshold) << sc["checks"].dump();
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

TEST(ScenarioCli, MissingWorkTypeFailsNamingIt) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempScenario s("name = \"x\"\n[[cgroup]]\nname = \"a\"\nwork = [{ type = \"no_such_type\" }]\n");
  auto r = run_ktstr("run '" + s.path() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no_such_type"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("uses work type(s) no_such_type"), std::string::npos) << r.err;
}

// A scenario whose requirement no test machine meets: it skips. Skips pass
// (exit 0) unless --strict makes them an environment error (exit 3).
TEST(ScenarioCli, SkipPassesAndStrictExits3) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempScenario s(
      "name = \"always_skips\"\nduration = \"1s\"\nrequires = [\"min_cpus:4096\"]\n"
      "[[cgroup]]\nname = \"a\"\nwork = [{ type = \"spin_wait\" }]\n");
  auto lax = run_ktstr("run '" + s.path() + "' --json -");
  ASSERT_EQ(lax.exit_code, 0) << lax.out << lax.err;
  auto j = nlohmann::json::parse(lax.out);
  EXPECT_EQ(j["ktstr_version"], kVersion);
  EXPECT_EQ(j["verdict"], "skip");
  ASSERT_EQ(j["scenarios"].size(), 1u);
  EXPECT_EQ(j["scenarios"][0]["verdict"], "skip");
  auto strict = run_ktstr("run '" + s.path() + "' --strict");
  EXPECT_EQ(strict.exit_code, 3) << strict.out << strict.err;
  EXPECT_NE(strict.out.find("SKIPPED      always_skips"), std::string::npos) << strict.out;
}

// Waits until `pred` holds or `ms` pass.
template <class F>
bool wait_for(F pred, int ms) {
  for (int i = 0; i < ms / 20; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

pid_t start_ktstr(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(KTSTR_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    execv(KTSTR_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

bool tree_has_tasks(const std::string& tree) {
  auto procs = read_file(tree + "/cg_0/cgroup.procs");
  return procs && !procs->empty();
}

TEST(ScenarioCli, SigkilledRunLeavesNothingCleanupCannotRemove) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempScenario s(kShort);
  const pid_t pid = start_ktstr({"run", s.path(), "--duration", "30s"});
  ASSERT_GT(pid, 0);
  std::vector<std::string> trees;
  ASSERT_TRUE(wait_for(
      [&] {
        trees = testing::run_trees_of(pid);
        return !trees.empty() && tree_has_tasks(trees.front());
      },
      10000))
      << "the run never populated its cgroups";
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // Workers die with the harness (parent-death signal); the tree stays.
  EXPECT_TRUE(wait_for([&] { return !tree_has_tasks(trees.front()); }, 5000));
  EXPECT_FALSE(testing::run_trees_of(pid).empty());
  auto cleanup = run_ktstr("cleanup");
  EXPECT_EQ(cleanup.exit_code, 0) << cleanup.err;
  EXPECT_TRUE(testing::run_trees_of(pid).empty()) << cleanup.out;
}

TEST(ScenarioCli, CtrlCStopsTearsDownAndExits130) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempScenario s(kShort);
  char out_path[] = "/tmp/ktstr_cli_json_XXXXXX";
  close(mkstemp(out_path));
  const pid_t pid = start_ktstr({"run", s.path(), "--duration", "30s", "--json", out_path});
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for(
      [&] {
        auto trees = testing::run_trees_of(pid);
        return !trees.empty() && tree_has_tasks(trees.front());
      },
      10000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(testing::run_trees_of(pid).empty());
  auto text = read_file(out_path);
  unlink(out_path);
  ASSERT_TRUE(text);
  auto j = nlohmann::json::parse(*text);
  EXPECT_TRUE(j["interrupted"].get<bool>());
  EXPECT_EQ(j["exit_code"], 130);
  ASSERT_EQ(j["scenarios"].size(), 1u);
  EXPECT_TRUE(j["scenarios"][0]["interrupted"].get<bool>());
  EXPECT_GT(j["scenarios"][0]["stats"]["cgroups"][0]["iterations"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace ktstr::scenario

namespace ktstr::scenario {
namespace {

TEST(ScenarioCli, CgroupChurnMovesBetweenEngineCreatedSiblings) {
  KTSTR_SCENARIO_PRECONDITIONS();
  auto r = run_ktstr(
      "run cgroup_churn --duration 1s --json - --raw --check max_gap_ms=false "
      "--check max_spread_pct=false");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& workers = j["scenarios"][0]["reports"][0]["reports"];
  ASSERT_EQ(workers.size(), 2u);
  for (const auto& w : workers) {
    EXPECT_TRUE(w["warnings"].empty()) << w["warnings"].dump();
    EXPECT_GT(w["extra"]["moves"].get<double>(), 2) << w["extra"].dump();
    EXPECT_EQ(w["extra"]["move_failures"].get<double>(), 0) << w["extra"].dump();
  }
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

}  // namespace
}  // namespace ktstr::scenario
