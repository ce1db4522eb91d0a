#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sched/noise.hpp"

namespace ktstr::sched {
namespace {

TEST(NoiseParse, PsiSomeAndFull) {
  auto p = parse_psi(
      "some avg10=0.16 avg60=1.06 avg300=1.82 total=5000324679\n"
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=17\n");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->some_us, 5000324679u);
  ASSERT_TRUE(p->full_us);
  EXPECT_EQ(*p->full_us, 17u);
}

TEST(NoiseParse, PsiWithoutFullLineIsAnOldKernel) {
  auto p = parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 total=42\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->some_us, 42u);
  EXPECT_FALSE(p->full_us);
}

TEST(NoiseParse, PsiMalformedNamesTheFile) {
  auto p = parse_psi("some avg10=0.00 total=x\n");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().describe().find("/proc/pressure/cpu"), std::string::npos);
  EXPECT_FALSE(parse_psi(""));
}

TEST(NoiseParse, ProcStatPerCpuBusyIdleSteal) {
  auto s = parse_proc_stat(
      "cpu  1298019 326189 220383 2006606 5190 0 1276 16520 0 0\n"
      "cpu0 10 20 30 400 5 6 7 8 9 10\n"
      "cpu1 1 2 3 4 5 6 7 8\n"
      "intr 123 4 5\n"
      "ctxt 99\n");
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_EQ(s->size(), 2u);
  // busy = user + nice + system + irq + softirq; guest columns are inside user.
  EXPECT_EQ(s->at(0).busy, 10u + 20 + 30 + 6 + 7);
  EXPECT_EQ(s->at(0).idle, 405u);
  EXPECT_EQ(s->at(0).steal, 8u);
  EXPECT_EQ(s->at(1).busy, 1u + 2 + 3 + 6 + 7);
}

TEST(NoiseParse, ProcStatShortLineIsAnError) {
  auto s = parse_proc_stat("cpu0 1 2 3\n");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().describe().find("cpu0 1 2 3"), std::string::npos);
  EXPECT_FALSE(parse_proc_stat("intr 1 2\n"));
}

TEST(NoiseParse, Schedstat) {
  auto s = sys::parse_schedstat("181435 2500 7\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->cpu_time_ns, 181435u);
  EXPECT_EQ(s->run_delay_ns, 2500u);
  EXPECT_EQ(s->run_count, 7u);
  EXPECT_FALSE(sys::parse_schedstat("1 2"));
  EXPECT_FALSE(sys::parse_schedstat("a b c"));
}

NoiseSnapshot snap(uint64_t t_ms, uint64_t busy0, uint64_t busy1, uint64_t idle, uint64_t steal,
                   uint64_t own_ms, uint64_t psi_ms) {
  NoiseSnapshot s;
  s.mono_ns = t_ms * 1'000'000;
  s.ticks_per_s = 100;
  s.stat = ProcStat{{0, {busy0, idle, steal}}, {1, {busy1, idle, steal}}};
  s.psi = PsiTotals{psi_ms * 1000, 0};
  s.harness = SchedStat{0, own_ms * 100'000, 0};
  s.own_cpu_ns = own_ms * 1'000'000;
  return s;
}

TEST(NoiseBetween, OutsideLoadIsBusyTimeMinusTheRunsOwn) {
  // 1 s wall, 2 CPUs: 150 busy ticks (1.5 s of CPU), the run used 0.6 s ->
  // 0.9 CPU of outside load; PSI some 410 ms.
  auto a = snap(0, 0, 0, 0, 0, 0, 0);
  auto b = snap(1000, 100, 50, 45, 5, 600, 410);
  auto n = noise_between(a, b, {});
  EXPECT_DOUBLE_EQ(n.wall_ms, 1000);
  EXPECT_EQ(n.cpus, 2u);
  ASSERT_TRUE(n.outside_load_cpus);
  EXPECT_NEAR(*n.outside_load_cpus, 0.9, 1e-9);
  EXPECT_NEAR(*n.steal_pct, 4.0, 1e-9);  // 10 of 250 ticks
  EXPECT_NEAR(*n.psi_some_pct, 41.0, 1e-9);
  EXPECT_NEAR(*n.psi_full_pct, 0.0, 1e-9);
  EXPECT_NEAR(*n.harness_run_delay_ms, 60.0, 1e-9);
  EXPECT_EQ(n.level, "high");
  EXPECT_EQ(n.why, "outside load 0.90 CPU > 0.20 (2 CPUs)");
  EXPECT_EQ(noise_evidence(n), "outside load 0.90 CPU > 0.20 (2 CPUs), PSI some 41%");
  EXPECT_EQ(noise_summary(n), "high — outside load 0.90 CPU > 0.20 (2 CPUs), PSI some 41%");
}

TEST(NoiseBetween, OnlyTheRunsCpusCount) {
  auto a = snap(0, 0, 0, 0, 0, 0, 0);
  auto b = snap(1000, 100, 0, 0, 0, 950, 0);
  // CPU 1 alone: no busy ticks there; the run's own time is more than that,
  // and outside load never goes negative.
  auto n = noise_between(a, b, CpuSet{1});
  EXPECT_EQ(n.cpus, 1u);
  EXPECT_DOUBLE_EQ(*n.outside_load_cpus, 0.0);
  EXPECT_EQ(n.level, "low");
  auto all = noise_between(a, b, {});
  EXPECT_NEAR(*all.outside_load_cpus, 0.05, 1e-9);
  EXPECT_EQ(all.level, "low");
  EXPECT_EQ(noise_summary(all),
            "low (PSI some 0%, steal 0.0%, outside load 0.05 CPU, harness run delay 95.0ms)");
}

TEST(NoiseBetween, StealOverItsBoundIsHigh) {
  auto a = snap(0, 0, 0, 0, 0, 0, 0);
  auto b = snap(1000, 50, 50, 30, 20, 1000, 0);
  auto n = noise_between(a, b, {});
  EXPECT_NEAR(*n.steal_pct, 20.0, 1e-9);
  EXPECT_EQ(n.level, "high");
  EXPECT_EQ(n.why, "steal 20% > 5%");
}

TEST(NoiseBetween, MissingCountersAreNullWithAReason) {
  NoiseSnapshot a, b;
  a.psi_missing = b.psi_missing = "no /proc/pressure/cpu";
  b.mono_ns = 1'000'000'000;
  auto n = noise_between(a, b, {});
  EXPECT_FALSE(n.psi_some_pct);
  EXPECT_FALSE(n.outside_load_cpus);
  EXPECT_FALSE(n.steal_pct);
  EXPECT_EQ(n.psi_note, "no /proc/pressure/cpu");
  EXPECT_EQ(n.level, "unknown");
  nlohmann::json j = n;
  EXPECT_TRUE(j["psi_some_pct"].is_null());
  EXPECT_EQ(j["psi_note"], "no /proc/pressure/cpu");
  EXPECT_EQ(j["level"], "unknown");
}

TEST(NoiseBetween, JsonRoundTrip) {
  auto n = noise_between(snap(0, 0, 0, 0, 0, 0, 0), snap(1000, 100, 50, 45, 5, 600, 410), {});
  n.vcpu_dilation = 1.2;
  nlohmann::json j = n;
  auto back = j.get<NoiseReport>();
  EXPECT_EQ(back.level, "high");
  EXPECT_EQ(back.why, n.why);
  EXPECT_DOUBLE_EQ(*back.outside_load_cpus, *n.outside_load_cpus);
  EXPECT_DOUBLE_EQ(*back.vcpu_dilation, 1.2);
  EXPECT_EQ(back.cpus, 2u);
}

TEST(VcpuDilation, RunDelayOverOnCpuTime) {
  std::map<pid_t, SchedStat> a{{10, {1000, 0, 0}}, {11, {1000, 0, 0}}};
  std::map<pid_t, SchedStat> b{{10, {3000, 500, 0}}, {11, {3000, 1500, 0}}, {12, {9, 9, 0}}};
  // Σ delay 2000 / Σ on-CPU 4000 -> 1.5; thread 12 appeared later: ignored.
  EXPECT_DOUBLE_EQ(*vcpu_dilation(a, b), 1.5);
  EXPECT_FALSE(vcpu_dilation(a, a));
  NoiseReport n;
  n.vcpu_dilation = 2.0;
  classify_noise(n);
  EXPECT_EQ(n.level, "high");
  EXPECT_EQ(n.why, "vCPU dilation 2.00x > 1.50x");
}

}  // namespace
}  // namespace ktstr::sched
