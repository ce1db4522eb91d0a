// `ktstr run` outcomes beyond pass/fail, end to end with real workers and
// cgroups: --confirm (fail (3/3) from a check no run can meet, flaky from a
// worker that stalls in the first attempt only), the default set running to
// the end, --fail-fast listing what it did not run, and the harness's own
// deadlines (phases, the control thread's priority, overrun warnings).
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "scenario/builder.hpp"
#include "scenario/control_priority.hpp"
#include "scenario/run_loop.hpp"
#include "scenario_support.hpp"
#include "util/exit_codes.hpp"
#include "util/file_io.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"

namespace ktstr::scenario {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

// ktstr with `args` (shell-quoted by the caller); stderr is discarded.
CliRun run_ktstr(const std::string& args) {
  const std::string cmd = std::string("'") + KTSTR_BINARY + "' " + args + " 2>/dev/null";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "re");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class TempDir {
 public:
  TempDir() {
    char dir[] = "/tmp/ktstr_confirm_XXXXXX";
    dir_ = mkdtemp(dir);
  }
  ~TempDir() {
    for (const auto& f : files_) unlink(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string file(const std::string& name, const std::string& text = "") {
    const std::string path = dir_ + "/" + name;
    if (!text.empty()) std::ofstream(path) << text;
    files_.push_back(path);
    return path;
  }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

// A spinner scenario judged by `checks` (TOML lines) only.
std::string spinner_toml(const std::string& name, const std::string& checks) {
  return "name = \"" + name + "\"\nduration = \"300ms\"\n[[cgroup]]\nname = \"cg_0\"\n" +
         "work = [{ type = \"spin_wait\", workers = 2 }]\n[checks]\nmax_spread_pct = false\n" +
         checks;
}

// min_iteration_rate is timing-sensitive, and no spinner iterates 1e15 times
// a second: every attempt fails the same way.
constexpr const char* kImpossibleRate = "min_iteration_rate = 1e15\n";

TEST(RunConfirm, AnImpossibleTimingCheckFailsEveryAttempt) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempDir dir;
  const auto toml = dir.file("never.toml", spinner_toml("never_fast_enough", kImpossibleRate));
  const auto json_path = dir.file("out.json");
  auto r = run_ktstr("run --ignore-noise '" + toml + "' --confirm 2 --json '" + json_path + "'");
  EXPECT_EQ(r.exit_code, kExitFail) << r.out;
  EXPECT_NE(r.out.find("FAILED       never_fast_enough"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("attempt 1/3: fail  min_iteration_rate "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("attempt 3/3: fail  min_iteration_rate "), std::string::npos) << r.out;
  auto text = read_file(json_path);
  ASSERT_TRUE(text.has_value());
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["confirm"], 2);
  const auto& sc = j["scenarios"][0];
  EXPECT_EQ(sc["verdict"], "fail");
  EXPECT_EQ(sc["reason"].get<std::string>().rfind("fail (3/3): min_iteration_rate", 0), 0U)
      << sc["reason"];
  ASSERT_EQ(sc["attempts"].size(), 3U);
  for (const auto& a : sc["attempts"]) {
    EXPECT_EQ(a["verdict"], "fail");
    EXPECT_GT(a["stats"]["scenario"]["iterations"].get<uint64_t>(), 0U);
    EXPECT_FALSE(a.contains("attempts"));
  }
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

TEST(RunConfirm, NamedScenariosAreNotConfirmedByDefault) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempDir dir;
  const auto toml = dir.file("never.toml", spinner_toml("never_fast_enough", kImpossibleRate));
  auto r = run_ktstr("run --ignore-noise '" + toml + "' --json -");
  EXPECT_EQ(r.exit_code, kExitFail);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["confirm"], 0);
  EXPECT_EQ(j["scenarios"][0]["verdict"], "fail");
  EXPECT_FALSE(j["scenarios"][0].contains("attempts"));
}

// Read by the workers, which are forked from this process: set before an
// attempt's workers spawn, it reaches them.
std::atomic<bool> g_confirming{false};

// Stalls 900 ms without a checkpoint in the first attempt (a max_gap_ms of
// 900+), then spins; in confirmations it only spins.
void stall_in_first_attempt(workload::WorkerContext& ctx) {
  if (!g_confirming.load()) {
    timespec ts{0, 900'000'000};
    nanosleep(&ts, nullptr);
  }
  while (!ctx.stopped()) {
    workload::spin(ctx, 256);
    ctx.tel->iteration();
  }
}

TEST(RunConfirm, AFailureThatDoesNotReproduceIsFlaky) {
  KTSTR_SCENARIO_PRECONDITIONS();
  workload::register_custom_work("stall_in_first_attempt", stall_in_first_attempt);
  auto s = ScenarioBuilder("stalls_once")
               .duration("1500ms")
               .cgroup(Cgroup("cg_0").work(
                   Work("custom").param("name", "stall_in_first_attempt").workers(1)))
               .check("max_spread_pct", false)
               .check("max_gap_ms", 500)
               .build();
  ASSERT_TRUE(s.has_value()) << s.error().describe();
  auto engine = make_engine_options({});
  ASSERT_TRUE(engine.has_value());
  RunLoopOptions o;
  o.engine = *engine;
  // The forced failure must stay a failure on a busy test host.
  o.engine.ignore_noise = true;
  o.confirm = 2;
  // The progress line of a confirmation says so; the workers of that attempt
  // are spawned after its "setup" progress.
  o.progress = [](const Progress& p, size_t, size_t) {
    if (p.what.rfind("confirm ", 0) == 0) g_confirming = true;
  };
  g_confirming = false;
  auto run = run_scenarios({*s}, o);
  ASSERT_EQ(run.scenarios.size(), 1U);
  const auto& r = run.scenarios[0];
  ASSERT_EQ(r.attempts.size(), 3U) << r.reason;
  EXPECT_EQ(r.attempts[0].verdict, check::Verdict::kFail) << r.attempts[0].reason;
  EXPECT_EQ(r.attempts[1].verdict, check::Verdict::kPass) << r.attempts[1].reason;
  EXPECT_EQ(r.attempts[2].verdict, check::Verdict::kPass) << r.attempts[2].reason;
  EXPECT_EQ(r.verdict, check::Verdict::kFlaky);
  EXPECT_EQ(r.reason.rfind("flaky (1/3): max_gap_ms", 0), 0U) << r.reason;
  EXPECT_EQ(run.exit_code, kExitInconclusive);
  EXPECT_EQ(run_exit_code(run, /*strict=*/true), kExitFail);
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

// The default set, narrowed by --filter and made to fail by --check: every
// selected scenario runs (and, being the default set, is confirmed twice).
TEST(RunConfirm, TheDefaultSetRunsToTheEndAndFailFastListsTheRest) {
  KTSTR_SCENARIO_PRECONDITIONS();
  auto listed = run_ktstr("run --dry-run --filter steady");
  ASSERT_EQ(listed.exit_code, 0);
  const auto selected = static_cast<size_t>(std::count(listed.out.begin(), listed.out.end(), '\n'));
  ASSERT_GE(selected, 2U) << listed.out;
  const std::string common =
      "run --ignore-noise --filter steady --duration 300ms --check min_iteration_rate=1e15 --json "
      "-";
  auto all = run_ktstr(common);
  EXPECT_EQ(all.exit_code, kExitFail);
  auto j = nlohmann::json::parse(all.out);
  EXPECT_EQ(j["confirm"], 2);
  ASSERT_EQ(j["scenarios"].size(), selected);
  for (const auto& sc : j["scenarios"]) {
    if (sc["verdict"] == "skip") continue;  // a requirement this host lacks
    EXPECT_EQ(sc["verdict"], "fail") << sc["name"];
    EXPECT_EQ(sc["attempts"].size(), 3U) << sc["name"];
  }

  auto fast = run_ktstr(common + " --confirm 0 --fail-fast");
  EXPECT_EQ(fast.exit_code, kExitFail);
  auto f = nlohmann::json::parse(fast.out);
  ASSERT_EQ(f["scenarios"].size(), selected);
  size_t failed = 0, not_run = 0;
  for (const auto& sc : f["scenarios"]) {
    failed += sc["verdict"] == "fail";
    not_run += sc["reason"] == "not run: --fail-fast";
  }
  EXPECT_EQ(failed, 1U) << fast.out;
  EXPECT_EQ(not_run + failed, selected) << fast.out;
  EXPECT_EQ(f["scenarios"].back()["verdict"], "skip");
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
}

// A step that waits 1.2 s for a payload inside a planned 1 s run: the run
// phase overruns, and the warning says the ops took the time.
TEST(RunDeadlines, AnOverrunIsAWarningWithItsCause) {
  KTSTR_SCENARIO_PRECONDITIONS();
  TempDir dir;
  const auto toml = dir.file("slow_ops.toml", R"(name = "slow_ops"
duration = "1s"
[[cgroup]]
name = "cg_0"
work = [{ type = "spin_wait", workers = 2 }]
[[step]]
ops = [{ op = "run_payload", name = "nap", cmd = ["sleep", "1.2"] },
       { op = "wait_payload", name = "nap" }]
hold = "100%"
[checks]
max_spread_pct = false
max_gap_ms = false
)");
  auto r = run_ktstr("run --ignore-noise '" + toml + "' --json -");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto sc = nlohmann::json::parse(r.out)["scenarios"][0];
  const auto& p = sc["phases"];
  EXPECT_GT(p["run_ms"].get<double>(), 2000) << p.dump();
  EXPECT_GT(p["ops_ms"].get<double>(), 1100) << p.dump();
  std::string overrun;
  for (const auto& w : sc["warnings"]) {
    if (w.get<std::string>().rfind("overrun: the run phase overran", 0) == 0) overrun = w;
  }
  EXPECT_NE(overrun.find("ops and liveness 1"), std::string::npos) << sc["warnings"].dump();
  auto text = run_ktstr("run '" + toml + "'");
  EXPECT_NE(text.out.find("slow_ops: overrun: the run phase overran"), std::string::npos)
      << text.out;
}

// 64 spinners per CPU: the control thread runs at SCHED_FIFO (we are root),
// so the planned second holds, and setup/collection are reported beside it.
TEST(RunDeadlines, TheRunPhaseHoldsUnderOversubscription) {
  KTSTR_SCENARIO_PRECONDITIONS();
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  TempDir dir;
  const auto toml = dir.file("crowded.toml",
                             "name = \"crowded\"\nduration = \"1s\"\n"
                             "[[cgroup]]\nname = \"cg_0\"\n"
                             "work = [{ type = \"spin_wait\", workers = " +
                                 std::to_string(64 * cpus) +
                                 " }]\n[checks]\nmax_spread_pct = false\n"
                                 "max_gap_ms = false\n");
  auto r = run_ktstr("run --ignore-noise '" + toml + "' --json -");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto sc = nlohmann::json::parse(r.out)["scenarios"][0];
  const auto& p = sc["phases"];
  EXPECT_EQ(p["control_priority"], "SCHED_FIFO 1") << p.dump();
  EXPECT_GT(p["run_ms"].get<double>(), 990) << p.dump();
  EXPECT_LT(p["run_ms"].get<double>(), 1200) << p.dump();
  EXPECT_LT(p["control_run_delay_ms"].get<double>(), 100) << p.dump();
  EXPECT_GT(p["setup_ms"].get<double>(), 0) << p.dump();
  EXPECT_GT(p["collect_ms"].get<double>(), 0) << p.dump();
}

}  // namespace
}  // namespace ktstr::scenario

namespace ktstr::scenario {
namespace {

TEST(ControlPriority, RaisesAboveTheWorkloadAndForksStartNormal) {
  EXPECT_EQ(control_rt_priority(0), 1);
  EXPECT_EQ(control_rt_priority(70), 71);
  EXPECT_EQ(control_rt_priority(99), 99);
  workload::WorkSpec spin;
  spin.work.name = "spin_wait";
  EXPECT_EQ(max_worker_rt_priority(spin), 0);
  workload::WorkSpec fifo = spin;
  fifo.sched_policy = {workload::SchedPolicy::Kind::kFifo, 50};
  EXPECT_EQ(max_worker_rt_priority(fifo), 50);
  workload::WorkSpec self_raising;
  self_raising.work.name = "rt_starvation";
  EXPECT_EQ(max_worker_rt_priority(self_raising), 70);
  self_raising.work.params["rt_priority"] = "90";
  EXPECT_EQ(max_worker_rt_priority(self_raising), 90);

  if (geteuid() != 0) GTEST_SKIP() << "SCHED_FIFO needs root";
  const int before = sched_getscheduler(0);
  {
    ControlPriority raised(5);
    EXPECT_EQ(raised.describe(), "SCHED_FIFO 5");
    EXPECT_EQ(sched_getscheduler(0), SCHED_FIFO | SCHED_RESET_ON_FORK);
    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    const pid_t child = fork();
    if (child == 0) {
      const int policy = sched_getscheduler(0);
      (void)!write(pipefd[1], &policy, sizeof policy);
      _exit(0);
    }
    int child_policy = -1;
    ASSERT_EQ(read(pipefd[0], &child_policy, sizeof child_policy),
              static_cast<ssize_t>(sizeof child_policy));
    waitpid(child, nullptr, 0);
    close(pipefd[0]);
    close(pipefd[1]);
    EXPECT_EQ(child_policy, SCHED_OTHER) << "a worker forked now must not inherit SCHED_FIFO";
  }
  EXPECT_EQ(sched_getscheduler(0), before);
}

}  // namespace
}  // namespace ktstr::scenario
