// Host noise on real processes: a CPU hog pinned on the run's CPU outside
// the run's cgroups is measured as outside load, turns a failed timing check
// into inconclusive with the noise as evidence, and leaves a real starvation
// (a worker frozen for the whole run) failed. Serial binary: the hog takes a
// CPU.
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "leak_checker.hpp"
#include "scenario/builder.hpp"
#include "scenario/engine.hpp"
#include "scenario_support.hpp"

namespace ktstr::scenario {
namespace {

// A busy loop pinned on one CPU, in this process's cgroups (outside every
// run tree); killed and reaped on destruction.
class CpuHog {
 public:
  explicit CpuHog(int cpu) {
    pid_ = fork();
    if (pid_ == 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      sched_setaffinity(0, sizeof set, &set);
      for (;;) asm volatile("" ::: "memory");
    }
  }
  CpuHog(const CpuHog&) = delete;
  CpuHog& operator=(const CpuHog&) = delete;
  ~CpuHog() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

const check::CheckResult* find_check(const ScenarioResult& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string dump(const ScenarioResult& r) {
  std::string s = fmt::format("verdict {} reason '{}' noise {} ({})\n", to_string(r.verdict),
                              r.reason, r.noise.level, sched::describe_noise(r.noise));
  for (const auto& c : r.checks) {
    s += fmt::format("  {} {} {}\n", c.name, to_string(c.verdict), c.detail);
  }
  return s;
}

// One spinner confined to CPU 0 whose iteration-rate floor no machine
// reaches: a timing-sensitive check that always fails.
Cgroup pinned_spinner() {
  return Cgroup("pinned")
      .cpuset(CpusetSpec::exact({0}))
      .work(Work("spin_wait").workers(1).affinity(affinity::single_cpu()));
}

TEST(Noise, HogOnTheRunsCpuMakesATimingFailureInconclusive) {
  KTSTR_SCENARIO_PRECONDITIONS();
  testing::LeakChecker leaks;
  auto s = ScenarioBuilder("noise_hog")
               .duration("1500ms")
               .cgroup(pinned_spinner())
               .check("min_iteration_rate", 1e15)
               .check("max_spread_pct", false)
               .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "hog";
  ScenarioResult r;
  {
    CpuHog hog(0);
    ASSERT_TRUE(hog.started());
    r = run_scenario(*s, o);
  }
  // The hog shares CPU 0 with one spinner: at least a third of that CPU.
  EXPECT_EQ(r.noise.cpus, 1u) << dump(r);
  ASSERT_TRUE(r.noise.outside_load_cpus) << dump(r);
  EXPECT_GT(*r.noise.outside_load_cpus, 0.3) << dump(r);
  EXPECT_EQ(r.noise.level, "high") << dump(r);
  const auto* rate = find_check(r, "min_iteration_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->verdict, check::Verdict::kInconclusive) << dump(r);
  EXPECT_TRUE(rate->noise_inconclusive);
  EXPECT_NE(rate->detail.find(" — inconclusive: host noise high (outside load "), std::string::npos)
      << rate->detail;
  EXPECT_EQ(r.verdict, check::Verdict::kInconclusive) << dump(r);
  EXPECT_EQ(r.reason.rfind("min_iteration_rate: ", 0), 0u) << r.reason;
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
  EXPECT_EQ(leaks.check(), "");
}

TEST(Noise, FrozenWorkerStillFailsUnderTheHog) {
  KTSTR_SCENARIO_PRECONDITIONS();
  testing::LeakChecker leaks;
  // The sleeper's first unit of work would come after 5 s of sleep, past the
  // 1.5 s run, and it is frozen right after the release until collection:
  // zero work even when the freeze lands late on the hogged CPU.
  auto s = ScenarioBuilder("noise_frozen")
               .duration("1500ms")
               .cgroup(pinned_spinner())
               .cgroup(Cgroup("frozen")
                           .cpuset(CpusetSpec::exact({0}))
                           .work(Work("sequence").workers(1).param("phases", "sleep:5s,spin:10ms")))
               .step({ops::freeze("frozen")})
               .check("min_iteration_rate", 1e15)
               .check("max_spread_pct", false)
               .check("max_gap_ms", false)
               .build();
  ASSERT_TRUE(s) << s.error().describe();
  EngineOptions o;
  o.run_tag = "frozen";
  ScenarioResult r;
  {
    CpuHog hog(0);
    ASSERT_TRUE(hog.started());
    r = run_scenario(*s, o);
  }
  if (r.verdict == check::Verdict::kSkip) GTEST_SKIP() << r.reason;
  EXPECT_EQ(r.noise.level, "high") << dump(r);
  const auto* starved = find_check(r, "not_starved");
  ASSERT_NE(starved, nullptr);
  EXPECT_EQ(starved->verdict, check::Verdict::kFail) << dump(r);
  EXPECT_FALSE(starved->noise_inconclusive);
  const auto* rate = find_check(r, "min_iteration_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->verdict, check::Verdict::kInconclusive) << dump(r);
  EXPECT_EQ(r.verdict, check::Verdict::kFail) << dump(r);
  EXPECT_EQ(r.reason.rfind("not_starved: ", 0), 0u) << r.reason;
  EXPECT_TRUE(testing::run_trees_of(getpid()).empty());
  EXPECT_EQ(leaks.check(), "");
}

}  // namespace
}  // namespace ktstr::scenario
