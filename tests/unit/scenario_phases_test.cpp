// Per-phase statistics (scenario/phases.hpp) and the TOML of relative checks
// and expected failures.
#include <gtest/gtest.h>

#include "scenario/phases.hpp"
#include "scenario/toml_loader.hpp"

namespace ktstr::scenario {
namespace {

constexpr uint64_t kSec = 1'000'000'000;

PhaseWindow window(const char* name, size_t step, uint64_t from_s, uint64_t to_s, uint64_t it_from,
                   uint64_t it_to) {
  PhaseWindow w;
  w.name = name;
  w.step = step;
  w.scheduler = "eevdf";
  w.start.mono_ns = from_s * kSec;
  w.end.mono_ns = to_s * kSec;
  w.start.iterations = it_from;
  w.end.iterations = it_to;
  return w;
}

// One worker started at t=10 s, ran 4 s; migrations at 10.5, 12.5, 13.5 s;
// gaps ending at 11 s (30 ms) and 13 s (80 ms).
workload::WorkerReport worker(pid_t tid) {
  workload::WorkerReport r;
  r.tid = tid;
  r.start_mono_ns = 10 * kSec;
  r.wall_time_ns = 4 * kSec;
  r.migration_count = 3;
  r.migrations = {{kSec / 2, 0, 1}, {5 * kSec / 2, 1, 0}, {7 * kSec / 2, 0, 1}};
  r.largest_gaps = {{kSec, 30'000'000, 0}, {3 * kSec, 80'000'000, 1}};
  return r;
}

TEST(ScenarioPhases, SplitsCountersAndTimestampsByWindow) {
  auto a = window("eevdf", 1, 10, 12, 100, 1100);
  auto b = window("scx", 2, 12, 14, 1100, 1600);
  a.start.schedstat[7] = {1'000'000, 500'000, 10};
  a.end.schedstat[7] = {1'001'000'000, 2'500'000, 110};
  b.start.schedstat = a.end.schedstat;
  b.end.schedstat[7] = {1'501'000'000, 10'500'000, 210};
  auto p = split_phases({a, b}, {worker(7)}, 9 * kSec);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].name, "eevdf");
  EXPECT_DOUBLE_EQ(p[0].start_ms, 1000);
  EXPECT_DOUBLE_EQ(p[0].duration_ms, 2000);
  EXPECT_EQ(p[0].iterations, 1000u);
  EXPECT_DOUBLE_EQ(p[0].iterations_per_s, 500);
  EXPECT_EQ(p[1].iterations, 500u);
  EXPECT_DOUBLE_EQ(p[0].cpu_time_ms, 1000);
  EXPECT_DOUBLE_EQ(p[0].cpu_util, 0.5);
  EXPECT_EQ(p[0].run_count, 100u);
  EXPECT_DOUBLE_EQ(p[0].mean_run_delay_us, 20);  // 2 ms over 100 timeslices
  EXPECT_DOUBLE_EQ(p[1].mean_run_delay_us, 80);  // 8 ms over 100
  EXPECT_EQ(p[0].migrations, 1u);
  EXPECT_EQ(p[1].migrations, 2u);
  EXPECT_TRUE(p[0].migrations_exact);
  EXPECT_DOUBLE_EQ(p[0].max_gap_ms, 30);
  EXPECT_DOUBLE_EQ(p[1].max_gap_ms, 80);
  EXPECT_TRUE(p[1].max_gap_exact);
  EXPECT_EQ(p[0].workers, 1u);
}

TEST(ScenarioPhases, CappedListsAreMarkedInexact) {
  auto w = worker(7);
  w.migration_count = 50;  // only the first three kept
  while (w.largest_gaps.size() < workload::kLargestGapsKept) {
    w.largest_gaps.push_back({3 * kSec, 40'000'000, 0});
  }
  auto p =
      split_phases({window("late", 1, 12, 14, 0, 0), window("early", 2, 10, 12, 0, 0)}, {w}, 0);
  EXPECT_FALSE(p[0].migrations_exact);  // the phase runs past the last kept migration
  EXPECT_TRUE(p[1].migrations_exact);
  // "early" holds a kept gap (30 ms at 11 s), so its maximum is known.
  EXPECT_DOUBLE_EQ(p[1].max_gap_ms, 30);
  EXPECT_TRUE(p[1].max_gap_exact);
  EXPECT_FALSE(p[0].schedstat_available);
}

TEST(ScenarioPhases, WorkersOutsideTheWindowDoNotCount) {
  auto p = split_phases({window("later", 1, 20, 22, 0, 0)}, {worker(7)}, 0);
  EXPECT_EQ(p[0].workers, 0u);
  EXPECT_EQ(p[0].migrations, 0u);
  EXPECT_DOUBLE_EQ(p[0].max_gap_ms, 0);
}

constexpr const char* kTwoPhases = R"(duration = "2s"
[[cgroup]]
name = "cg"
work = [{ type = "spin_wait", workers = 1 }]
[[step]]
name = "light"
hold = "50%"
[[step]]
hold = "50%"
)";

// `top`: top-level keys (before the first table); `tables`: after the steps.
Result<Scenario> with(const std::string& top, const std::string& tables = "") {
  return parse_scenario_toml("name = \"rel\"\n" + top + kTwoPhases + tables, "rel.toml");
}

std::string error_of(const std::string& top, const std::string& tables = "") {
  auto s = with(top, tables);
  return s ? std::string() : s.error().describe();
}

TEST(ScenarioPhasesToml, RelativeChecksAndExpectationsParse) {
  auto s = with("expect_scheduler_error = \"test triggering error\"\nexpect_stall = true\n",
                R"([[check]]
metric = "iterations_per_s"
phase = "step2"
baseline = "light"
min_ratio = 0.9
max_ratio = 3
)");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(phase_names(*s), (std::vector<std::string>{"light", "step2"}));
  ASSERT_EQ(s->relative_checks.size(), 1u);
  EXPECT_EQ(s->relative_checks[0].phase, "step2");
  EXPECT_EQ(s->relative_checks[0].min_ratio, 0.9);
  EXPECT_EQ(s->relative_checks[0].max_ratio, 3);
  EXPECT_EQ(s->expect_scheduler_error, "test triggering error");
  EXPECT_TRUE(s->expect_stall);
}

TEST(ScenarioPhasesToml, ErrorsNameTheFieldLineAndFix) {
  const std::string check = "[[check]]\nmetric = \"iterations_per_s\"\n";
  auto e = error_of("", check + "phase = \"heavy\"\nbaseline = \"light\"\nmax_ratio = 2\n");
  EXPECT_NE(e.find("rel.toml:11"), std::string::npos) << e;
  EXPECT_NE(e.find("phase 'heavy' names no step"), std::string::npos) << e;
  EXPECT_NE(e.find("light, step2"), std::string::npos) << e;
  e = error_of("", check + "phase = \"step2\"\nbaseline = \"light\"\n");
  EXPECT_NE(e.find("needs max_ratio and/or min_ratio"), std::string::npos) << e;
  e = error_of("",
               "[[check]]\nmetric = \"wake_p99\"\nphase = \"step2\"\nbaseline = \"light\"\n"
               "max_ratio = 2\n");
  EXPECT_NE(e.find("metric 'wake_p99' is unknown; did you mean 'wake_p99_us'"), std::string::npos)
      << e;
  e = error_of("", check + "phase = \"step2\"\nbaseline = \"light\"\nmax_ratio = 2\nratio = 1\n");
  EXPECT_NE(e.find("ratio"), std::string::npos) << e;
  e = error_of("", check + "baseline = \"light\"\nmax_ratio = 2\n");
  EXPECT_NE(e.find("needs key 'phase'"), std::string::npos) << e;
  e = error_of("expect_scheduler_error = \"\"\n");
  EXPECT_NE(e.find("expect_scheduler_error must not be empty"), std::string::npos) << e;
  e = error_of("expect_stall = \"yes\"\n");
  EXPECT_NE(e.find("expect_stall"), std::string::npos) << e;
  e = error_of("", "[[step]]\nname = \"light\"\nhold = \"1s\"\n");
  EXPECT_NE(e.find("step name 'light' is used twice"), std::string::npos) << e;
}

}  // namespace
}  // namespace ktstr::scenario
