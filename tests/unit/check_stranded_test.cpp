// The stranded-task detector and the monitor's pure parts, over synthetic
// sample sequences (check/stranded.hpp, sched/monitor.hpp).
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "check/evaluate.hpp"
#include "check/stranded.hpp"
#include "check/thresholds.hpp"
#include "scenario/run_loop.hpp"
#include "sched/monitor.hpp"

namespace ktstr::check {
namespace {

using sched::MonitorTimeline;

constexpr uint64_t kStepNs = 100'000'000;  // 100 ms
constexpr uint64_t kTicksPerStep = 10;     // USER_HZ 100

struct TaskStep {
  char state = 'R';
  uint64_t ran_ns = 0;  // on-CPU time gained since the previous sample
  int cpu = 0;
};

// Builds a timeline one 100 ms sample at a time: per CPU the idle share of
// the interval, per task its state and on-CPU time gained.
class Sim {
 public:
  Sim(int cpus, std::vector<CpuSet> allowed, std::string scx = "enabled") : scx_(std::move(scx)) {
    tl_.period_ns = kStepNs;
    tl_.ticks_per_s = 100;
    for (size_t i = 0; i < allowed.size(); ++i) {
      tl_.tasks.push_back({"cg_0", i, static_cast<pid_t>(100 + i)});
      tl_.masks.push_back(allowed[i]);
      exec_.push_back(0);
    }
    for (int c = 0; c < cpus; ++c) ticks_[c] = {};
  }
  void step(const std::vector<double>& idle, const std::vector<TaskStep>& tasks) {
    sched::MonitorSample s;
    s.t_ns = tl_.samples.size() * kStepNs;
    if (!tl_.samples.empty()) {
      for (auto& [c, t] : ticks_) {
        const auto i = static_cast<uint64_t>(idle.at(static_cast<size_t>(c)) * kTicksPerStep);
        t.idle += i;
        t.busy += kTicksPerStep - i;
      }
    }
    s.cpus = ticks_;
    for (uint32_t i = 0; i < tasks.size(); ++i) {
      exec_[i] += tasks[i].ran_ns;
      s.tasks.push_back({.task = i,
                         .state = tasks[i].state,
                         .cpu = tasks[i].cpu,
                         .exec_ns = exec_[i],
                         .run_delay_ns = 0,
                         .run_count = 0,
                         .mask = i});
    }
    s.scx_state = scx_;
    s.scx_ops = scx_.empty() ? "" : "qmap";
    tl_.samples.push_back(std::move(s));
    ++tl_.taken;
  }
  void repeat(size_t n, const std::vector<double>& idle, const std::vector<TaskStep>& tasks) {
    for (size_t i = 0; i < n; ++i) step(idle, tasks);
  }
  const MonitorTimeline& tl() const { return tl_; }

 private:
  std::string scx_;
  MonitorTimeline tl_;
  sched::ProcStat ticks_;
  std::vector<uint64_t> exec_;
};

const TaskStep kQueued{'R', 0, 0};
const TaskStep kRunning{'R', kStepNs, 0};

TEST(Stranded, QueuedTaskWithAnIdleAllowedCpuIsFound) {
  Sim sim(2, {{0, 1}});
  sim.repeat(16, {0.0, 1.0}, {kQueued});  // 15 intervals = 1.5 s
  auto f = find_stranded(sim.tl());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].tid, 100);
  EXPECT_EQ(f[0].group, "cg_0");
  EXPECT_DOUBLE_EQ(f[0].from_ms, 0);
  EXPECT_DOUBLE_EQ(f[0].to_ms, 1500);
  EXPECT_EQ(f[0].samples, 16u);
  EXPECT_EQ(f[0].idle_cpus, std::vector<int>{1});
  EXPECT_EQ(f[0].allowed_cpus, "0-1");
  EXPECT_DOUBLE_EQ(f[0].idle_pct, 100);
  EXPECT_TRUE(f[0].sched_ext);
  EXPECT_EQ(f[0].ops, "qmap");
  EXPECT_NE(f[0].describe().find("tid 100"), std::string::npos);
}

TEST(Stranded, RunningTaskInStateRIsNotStranded) {
  Sim sim(2, {{0, 1}});
  sim.repeat(20, {0.0, 1.0}, {kRunning});
  EXPECT_TRUE(find_stranded(sim.tl()).empty());
}

TEST(Stranded, QueuedBehindBusyCpusIsNotStranded) {
  Sim sim(2, {{0, 1}});
  sim.repeat(20, {0.0, 0.0}, {kQueued});
  EXPECT_TRUE(find_stranded(sim.tl()).empty());
}

TEST(Stranded, IdleCpuOutsideTheAllowedSetDoesNotCount) {
  Sim sim(2, {{0}});
  sim.repeat(20, {0.0, 1.0}, {kQueued});
  EXPECT_TRUE(find_stranded(sim.tl()).empty());
}

TEST(Stranded, ShorterThanTheBoundIsNotAFindingUnlessTheBoundIsLowered) {
  Sim sim(2, {{0, 1}});
  sim.repeat(8, {0.0, 1.0}, {kQueued});  // 0.7 s
  EXPECT_TRUE(find_stranded(sim.tl()).empty());
  auto f = find_stranded(sim.tl(), {.bound_ms = 500});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_DOUBLE_EQ(f[0].window_ms(), 700);
}

TEST(Stranded, WindowIsWhereTheCpuWasIdle) {
  Sim sim(2, {{0, 1}});
  sim.repeat(9, {0.0, 0.0}, {kQueued});   // queued 0.8 s behind busy CPUs
  sim.repeat(13, {0.0, 1.0}, {kQueued});  // then CPU 1 idles for 1.3 s
  auto f = find_stranded(sim.tl());
  ASSERT_EQ(f.size(), 1u);
  // >= 90 % idle over the window admits one busy 100 ms interval before it.
  EXPECT_DOUBLE_EQ(f[0].from_ms, 700);
  EXPECT_DOUBLE_EQ(f[0].to_ms, 2100);
}

TEST(Stranded, SleepingOrRunningBreaksTheStreak) {
  Sim sim(2, {{0, 1}});
  sim.repeat(7, {0.0, 1.0}, {kQueued});
  sim.step({0.0, 1.0}, {{'S', 0, 0}});
  sim.repeat(7, {0.0, 1.0}, {kQueued});
  sim.step({0.0, 1.0}, {kRunning});
  sim.repeat(7, {0.0, 1.0}, {kQueued});
  EXPECT_TRUE(find_stranded(sim.tl()).empty());
  EXPECT_EQ(find_stranded(sim.tl(), {.bound_ms = 600}).size(), 3u);
}

TEST(Stranded, OnlyTheStrandedTaskIsReported) {
  Sim sim(4, {{0, 1, 2, 3}, {0, 1, 2, 3}, {2, 3}});
  sim.repeat(15, {0.0, 0.0, 0.95, 0.0}, {kRunning, kQueued, {'R', 0, 2}});
  auto f = find_stranded(sim.tl());
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].tid, 101);
  EXPECT_EQ(f[1].tid, 102);
  EXPECT_EQ(f[1].idle_cpus, std::vector<int>{2});
  EXPECT_DOUBLE_EQ(f[1].idle_pct, 90);  // 9 of 10 ticks per interval
}

Threshold stranded_threshold(double limit) {
  Threshold t = Thresholds().get("max_stranded_ms");
  t.limit = limit;
  return t;
}

TEST(StrandedCheck, FailsUnderSchedExtWithTheEvidence) {
  Sim sim(2, {{0, 1}});
  sim.repeat(16, {0.0, 1.0}, {kQueued});
  auto f = find_stranded(sim.tl());
  auto r = check_stranded(stranded_threshold(1000), &f);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_DOUBLE_EQ(*r.value, 1500);
  EXPECT_DOUBLE_EQ(*r.threshold, 1000);
  EXPECT_NE(r.detail.find("cg_0 worker 0 (tid 100)"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("CPU 1 of 0-1"), std::string::npos) << r.detail;
}

TEST(StrandedCheck, IsInformationWithoutSchedExt) {
  Sim sim(2, {{0, 1}}, "");
  sim.repeat(16, {0.0, 1.0}, {kQueued});
  auto f = find_stranded(sim.tl());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].sched_ext);
  auto r = check_stranded(stranded_threshold(1000), &f);
  EXPECT_EQ(r.verdict, Verdict::kPass);
  EXPECT_NE(r.detail.find("information"), std::string::npos) << r.detail;
}

TEST(StrandedCheck, PassesWithoutFindingsAndSkipsWithoutSamples) {
  std::vector<StrandedFinding> none;
  auto r = check_stranded(stranded_threshold(1000), &none);
  EXPECT_EQ(r.verdict, Verdict::kPass);
  EXPECT_DOUBLE_EQ(*r.value, 0);
  EXPECT_EQ(check_stranded(stranded_threshold(1000), nullptr).verdict, Verdict::kSkip);
}

TEST(StrandedCheck, IsInTheTableEnabledAndNotTimingSensitive) {
  const CheckDef* d = find_check("max_stranded_ms");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->default_enabled);
  EXPECT_FALSE(d->timing_sensitive);
  EXPECT_DOUBLE_EQ(d->default_limit, 1000);
}

TEST(StrandedFindingJson, RoundTrips) {
  Sim sim(2, {{0, 1}});
  sim.repeat(16, {0.0, 1.0}, {kQueued});
  auto f = find_stranded(sim.tl());
  nlohmann::json j = f;
  auto back = j.get<std::vector<StrandedFinding>>();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].describe(), f[0].describe());
}

TEST(MonitorParse, StatFieldsSurviveParenthesesInComm) {
  std::string stat = "812 (a) b (c)) R 1 812 812 0 -1 4194560";
  for (int field = 10; field <= 38; ++field) stat += " 0";
  stat += " 3 0 0";  // field 39 = 3
  auto f = sched::parse_stat_fields(stat);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->state, 'R');
  EXPECT_EQ(f->cpu, 3);
  EXPECT_FALSE(sched::parse_stat_fields("garbage"));
}

TEST(MonitorParse, SchedExtDebugKeepsNumericFields) {
  auto m = sched::parse_scx_debug(
      "ops                           : qmap\nenabled                       : 1\n"
      "nr_rejected                   : 7\nenable_state                  : enabled (2)\n");
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m["enabled"], 1);
  EXPECT_EQ(m["nr_rejected"], 7);
}

TEST(MonitorSeries, DecimatesLongTimelinesAndKeepsIdleShares) {
  Sim sim(2, {{0, 1}});
  sim.repeat(1001, {0.5, 1.0}, {kRunning});
  auto s = sched::summarize(sim.tl(), 300);
  EXPECT_EQ(s.stride, 4u);
  EXPECT_EQ(s.t_ms.size(), 250u);
  ASSERT_EQ(s.cpus, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(s.idle_pct[0][10], 50);
  EXPECT_DOUBLE_EQ(s.idle_pct[1][10], 100);
  EXPECT_DOUBLE_EQ(s.runnable[0][10], 1);  // the running task, last on CPU 0
  EXPECT_DOUBLE_EQ(s.runnable[1][10], 0);
  EXPECT_DOUBLE_EQ(s.t_ms.back(), 100'000);
  nlohmann::json j = s;
  EXPECT_EQ(j.get<sched::MonitorSeries>().idle_pct, s.idle_pct);
}

TEST(Monitor, SamplesARealThreadAndMeasuresItsCost) {
  const auto tid = static_cast<pid_t>(syscall(SYS_gettid));
  sched::Monitor m({.period_ns = 1}, 0);  // clamped to the minimum period
  EXPECT_EQ(m.timeline().period_ns, sched::kMinMonitorPeriodNs);
  m.sample(1'000'000, {{"self", 0, tid}});
  m.sample(2'000'000, {{"self", 0, tid}});
  const auto& tl = m.timeline();
  ASSERT_EQ(tl.samples.size(), 2u);
  const auto& t = tl.samples[1].tasks.at(0);
  EXPECT_EQ(t.state, 'R');  // reading its own stat, it is running
  EXPECT_GE(t.cpu, 0);
  EXPECT_GT(t.exec_ns, 0u);
  EXPECT_FALSE(tl.masks.at(t.mask).empty());
  EXPECT_FALSE(tl.samples[1].cpus.empty());
  EXPECT_GT(tl.cost_ns, 0u);
  EXPECT_EQ(m.next_due_ns(), sched::kMinMonitorPeriodNs);  // on the grid from t = 0
}

TEST(MonitorFlag, PeriodIsBounded) {
  scenario::EngineSettings e;
  e.monitor_period = "5ms";
  auto o = scenario::make_engine_options(e);
  ASSERT_FALSE(o);
  EXPECT_NE(o.error().describe().find("--monitor-period"), std::string::npos);
  e.monitor_period = "250ms";
  ASSERT_TRUE(scenario::make_engine_options(e));
  EXPECT_EQ(scenario::make_engine_options(e)->monitor_period_ns, 250'000'000u);
  e.monitor_period = "often";
  EXPECT_FALSE(scenario::make_engine_options(e));
}

}  // namespace
}  // namespace ktstr::check
