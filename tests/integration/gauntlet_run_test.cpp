// The gauntlet runner with real child processes: a stand-in `ktstr` script
// (no VM) that takes the job's argv, sleeps, writes a run document and
// exits like `ktstr run --vm`. Shows --jobs running jobs side by side,
// results in job order whatever order they finish in, and a termination
// signal stopping every running job.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "gauntlet/job_process.hpp"
#include "gauntlet/plan.hpp"
#include "gauntlet/run.hpp"
#include "util/exit_codes.hpp"
#include "util/file_io.hpp"

namespace ktstr::gauntlet {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// 2cpu: slow pass; 4cpu: quick check failure; 8cpu: invalid input with only
// stderr to say why. Mode "hang": every job waits until signalled.
constexpr const char* kFakeKtstr = R"(#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    --topology) topo=$2; shift ;;
    --json) out=$2; shift ;;
  esac
  shift
done
trap 'echo $$ >> "$FAKE_KTSTR_DIR/terminated"; exit 130' TERM
echo $$ >> "$FAKE_KTSTR_DIR/started"
case "$FAKE_KTSTR_MODE:$topo" in
  hang:*) sleep 30 & wait $! ;;
  *:2cpu-1llc-nosmt) sleep 0.8 ;;
  *) sleep 0.1 ;;
esac
case "$topo" in
  2cpu-1llc-nosmt)
    printf '{"exit_code":0,"vm":{"verdict":"pass","boot_ms":700,"accel":"tcg"},"scenarios":[{"name":"steady","verdict":"pass"}]}' > "$out"
    exit 0 ;;
  4cpu-1llc-nosmt)
    printf '{"exit_code":1,"vm":{"verdict":"pass","boot_ms":900,"accel":"tcg"},"scenarios":[{"name":"steady","verdict":"fail","reason":"gap 120 ms > 50 ms"}]}' > "$out"
    exit 1 ;;
  *)
    echo "ktstr: error: --kernel: no kernel 'nope' in the cache" >&2
    exit 2 ;;
esac
)";

class GauntletRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = fs::temp_directory_path().string() + "/ktstr-gauntlet-run-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fake_ = dir_ + "/ktstr";
    ASSERT_TRUE(write_file_atomic(fake_, kFakeKtstr));
    ASSERT_EQ(::chmod(fake_.c_str(), 0755), 0);
    ::setenv("FAKE_KTSTR_DIR", dir_.c_str(), 1);
    ::unsetenv("FAKE_KTSTR_MODE");
  }
  void TearDown() override {
    ::unsetenv("FAKE_KTSTR_DIR");
    ::unsetenv("FAKE_KTSTR_MODE");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  GauntletPlan plan(const std::string& presets) {
    GauntletOptions o;
    o.scenarios = {"steady"};
    o.presets = presets;
    auto p = plan_gauntlet(o, [](const char*) -> std::optional<std::string> { return {}; });
    EXPECT_TRUE(p) << p.error().describe();
    return *p;
  }

  RunOptions options(size_t jobs) {
    RunOptions r;
    r.max_jobs = jobs;
    r.host_cpus = 2;
    r.ktstr_binary = fake_;
    r.progress = [this](const Progress& p) {
      max_running_ = std::max(max_running_, p.running.size());
      if (p.final) finals_++;
    };
    r.finished = [this](const Job& j, const JobOutcome&) { completion_.push_back(j.preset); };
    return r;
  }

  std::vector<int> pids(const char* file) {
    std::ifstream in(dir_ + "/" + file);
    std::vector<int> out;
    for (int pid; in >> pid;) out.push_back(pid);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_, fake_;
  size_t max_running_ = 0;
  int finals_ = 0;
  std::vector<std::string> completion_;
};

TEST_F(GauntletRunTest, TwoAtOnceResultsInJobOrder) {
  auto p = plan("2cpu-1llc-nosmt,4cpu-1llc-nosmt");
  auto run = run_plan(p, options(2));
  EXPECT_EQ(max_running_, 2u);
  EXPECT_EQ(finals_, 1);
  // The quick 4cpu job finishes first; the results stay in job order.
  EXPECT_EQ(completion_, (std::vector<std::string>{"4cpu-1llc-nosmt", "2cpu-1llc-nosmt"}));
  ASSERT_EQ(run.outcomes.size(), 2u);
  EXPECT_EQ(run.outcomes[0].job, 0u);
  EXPECT_EQ(run.outcomes[0].verdict, "pass");
  EXPECT_EQ(run.outcomes[0].reason, "");
  EXPECT_EQ(run.outcomes[0].boot_ms, 700);
  EXPECT_EQ(run.outcomes[0].accel, "tcg");
  EXPECT_GE(run.outcomes[0].wall_ms, 700);
  EXPECT_EQ(run.outcomes[1].job, 1u);
  EXPECT_EQ(run.outcomes[1].verdict, "fail");
  EXPECT_EQ(run.outcomes[1].exit_code, kExitFail);
  EXPECT_EQ(run.outcomes[1].reason, "steady: fail: gap 120 ms > 50 ms");
  EXPECT_EQ(run.exit_code, kExitFail);
  EXPECT_FALSE(run.interrupted);
  const auto text = render_run_text(p, run);
  EXPECT_THAT(text, HasSubstr("    1  pass"));
  EXPECT_THAT(text, HasSubstr("    2  fail"));
  EXPECT_LT(text.find("    1  pass"), text.find("    2  fail"));
}

TEST_F(GauntletRunTest, OneAtATimeByDefaultAndStderrExplainsAJobWithoutADocument) {
  auto p = plan("8cpu-1llc-smt,4cpu-1llc-nosmt");
  auto run = run_plan(p, options(1));
  EXPECT_EQ(max_running_, 1u);
  EXPECT_EQ(completion_, (std::vector<std::string>{"8cpu-1llc-smt", "4cpu-1llc-nosmt"}));
  ASSERT_EQ(run.outcomes.size(), 2u);
  EXPECT_EQ(run.outcomes[0].verdict, "invalid");
  EXPECT_EQ(run.outcomes[0].reason, "error: --kernel: no kernel 'nope' in the cache");
  EXPECT_EQ(run.outcomes[0].boot_ms, 0);
  EXPECT_TRUE(run.outcomes[0].document.is_null());
  EXPECT_EQ(run.outcomes[1].verdict, "fail");
  EXPECT_EQ(run.exit_code, kExitFail);  // fail outranks invalid
}

TEST_F(GauntletRunTest, ASignalStopsEveryRunningJobAndStartsNoMore) {
  ::setenv("FAKE_KTSTR_MODE", "hang", 1);
  auto p = plan("2cpu-1llc-nosmt,4cpu-1llc-nosmt,8cpu-1llc-smt");
  auto o = options(2);
  bool raised = false;
  o.progress = [&](const Progress& pr) {
    // Once both children have written their pid (trap installed), Ctrl-C.
    if (!raised && pr.running.size() == 2) {
      for (int i = 0; i < 100 && pids("started").size() < 2; ++i) ::usleep(20000);
      raised = true;
      ::raise(SIGINT);
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  auto run = run_plan(p, o);
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(raised);
  EXPECT_LT(secs, 10.0);  // not the children's 30 s
  EXPECT_TRUE(run.interrupted);
  EXPECT_EQ(run.exit_code, kExitInterrupted);
  ASSERT_EQ(run.outcomes.size(), 2u);  // the third never started
  EXPECT_EQ(run.outcomes[0].verdict, "interrupted");
  EXPECT_EQ(run.outcomes[1].verdict, "interrupted");
  const auto started = pids("started");
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(pids("terminated"), started);
  for (int pid : started) EXPECT_NE(::kill(pid, 0), 0) << pid << " still there";
  EXPECT_THAT(render_run_text(p, run), HasSubstr("1 not run (interrupted)"));
}

TEST(GauntletJobCommand, ReasonSaysWhatFailed) {
  EXPECT_EQ(reason_from_document(nlohmann::json::parse(
                R"({"vm": {"verdict": "error", "reason": "VM timed out after 180000 ms"},
                    "scenarios": [{"name": "steady", "verdict": "pass"}]})")),
            "VM error: VM timed out after 180000 ms");
  EXPECT_EQ(reason_from_document(nlohmann::json::parse(
                R"({"vm": {"verdict": "pass", "reason": ""},
                    "scenarios": [{"name": "a", "verdict": "pass"},
                                  {"name": "b", "verdict": "inconclusive", "reason": "noisy"},
                                  {"name": "c", "verdict": "fail"}]})")),
            "b: inconclusive: noisy\nc: fail");
  EXPECT_EQ(reason_from_document(nullptr), "");
}

// Each job runs `ktstr run --vm --topology PRESET`: the host-side checks
// take the preset's shape (a one-node preset cannot run a NUMA scenario).
TEST(GauntletJobCommand, RunVmTakesAPresetName) {
  auto run = [](const std::string& args) {
    std::string out;
    FILE* p = ::popen((std::string(KTSTR_BINARY) + " " + args + " 2>&1").c_str(), "r");
    if (p == nullptr) return std::pair{-1, out};
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int st = ::pclose(p);
    return std::pair{WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
  };
  const Job j{"steady", "steady", "4cpu-2llc-2n-nosmt", "eevdf", "auto", 4, 1000, 0};
  auto argv = job_argv(KTSTR_BINARY, j, "1s", "/dev/null");
  EXPECT_EQ(argv,
            (std::vector<std::string>{KTSTR_BINARY, "run", "steady", "--vm", "--topology",
                                      "4cpu-2llc-2n-nosmt", "--scheduler", "eevdf", "--kernel",
                                      "auto", "--duration", "1s", "--json", "/dev/null"}));
  auto [code, out] = run("run steady --vm --topology 4cpu-2llc-2n-nosmt --dry-run");
  EXPECT_EQ(code, 0) << out;
  std::tie(code, out) = run("run cgroup_cpuset_numa --vm --topology 4cpu-1llc-nosmt --dry-run");
  EXPECT_THAT(out, HasSubstr("needs more than one NUMA node")) << out;
}

}  // namespace
}  // namespace ktstr::gauntlet
