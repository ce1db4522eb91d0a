#include <gtest/gtest.h>

#include "scenario/builder.hpp"
#include "scenario/resolve.hpp"

namespace ktstr::scenario {
namespace {

topo::Topology synth(const char* spec) {
  return topo::Topology::synthetic(*topo::TopologySpec::parse(spec));
}

CpuSet cpus(const char* text) {
  return *parse_cpu_list(text);
}

TEST(ScenarioResolve, CpusetSpecsOnASyntheticTopology) {
  auto t = synth("2n4l2c2t");  // 16 CPUs, LLCs of 4, nodes of 8; usable 0-14
  const CpuSet usable = t.usable_cpus();
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::llc(1), t, usable), cpus("4-7"));
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::numa(1), t, usable), cpus("8-14"));
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::disjoint(0, 2), t, usable), cpus("0-7"));
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::disjoint(1, 2), t, usable), cpus("8-14"));
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::range(0, 0.5), t, usable), cpus("0-6"));
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::exact(cpus("2,3")), t, usable), cpus("2-3"));
  auto ov = resolve_cpuset(CpusetSpec::overlap(0, 2, 0.5), t, usable);
  ASSERT_TRUE(ov);
  EXPECT_EQ(*ov, cpus("0-11"));
  // Nested: relative to the parent's CPUs.
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::disjoint(1, 2), t, cpus("0-7")), cpus("4-7"));
  EXPECT_EQ(*resolve_cpuset(CpusetSpec::llc(0), t, cpus("2-5")), cpus("2-3"));
}

TEST(ScenarioResolve, CpusetErrorsNameWhatTheMachineHas) {
  auto t = synth("1n1l2c1t");
  auto llc = resolve_cpuset(CpusetSpec::llc(3), t, t.usable_cpus());
  ASSERT_FALSE(llc);
  EXPECT_EQ(llc.error().kind, ErrorKind::kInvalidInput);
  auto exact = resolve_cpuset(CpusetSpec::exact(cpus("0-7")), t, t.usable_cpus());
  ASSERT_FALSE(exact);
  EXPECT_NE(exact.error().message.find("2-7"), std::string::npos) << exact.error().message;
  EXPECT_FALSE(resolve_cpuset(CpusetSpec::disjoint(0, 3), t, t.usable_cpus()));
}

TEST(ScenarioResolve, WorkerCountsRoundToTheGroupSize) {
  WorkDef w;
  EXPECT_EQ(resolve_worker_count(w, 4, 1), 4u);  // one per CPU by default
  w.workers_pct = 50;
  EXPECT_EQ(resolve_worker_count(w, 4, 1), 2u);
  EXPECT_EQ(resolve_worker_count(w, 1, 1), 1u);  // never zero
  EXPECT_EQ(resolve_worker_count(w, 2, 2), 2u);  // 1 rounded up to a pair
  w.workers_pct.reset();
  w.spec.num_workers = 3;
  EXPECT_EQ(resolve_worker_count(w, 4, 2), 4u);
  EXPECT_EQ(resolve_worker_count(w, 4, 1, size_t{7}), 7u);
  w.workers_pct = 300;
  w.spec.num_workers.reset();
  EXPECT_EQ(resolve_worker_count(w, 2, 1), 6u);
}

TEST(ScenarioResolve, AffinityIntentsBecomePerWorkerMasks) {
  auto t = synth("1n2l2c2t");  // 8 CPUs: LLC0 0-3, LLC1 4-7; pairs (0,1) (2,3) ...
  const CpuSet cg = cpus("0-6");
  auto single = *resolve_affinity(affinity::single_cpu(), 9, cg, t, 1);
  EXPECT_EQ(*single[0], CpuSet{0});
  EXPECT_EQ(*single[6], CpuSet{6});
  EXPECT_EQ(*single[7], CpuSet{0});
  auto llc = *resolve_affinity(affinity::llc_aligned(), 3, cg, t, 1);
  EXPECT_EQ(*llc[0], cpus("0-3"));
  EXPECT_EQ(*llc[1], cpus("4-6"));
  EXPECT_EQ(*llc[2], cpus("0-3"));
  auto cross = *resolve_affinity(affinity::cross_cgroup(), 1, cg, t, 1);
  EXPECT_EQ(*cross[0], cpus("0-7"));
  auto smt = *resolve_affinity(affinity::smt_sibling_pair(), 6, cg, t, 1);
  EXPECT_EQ(*smt[0], cpus("0-1"));
  EXPECT_EQ(*smt[1], cpus("0-1"));
  EXPECT_EQ(*smt[2], cpus("2-3"));
  EXPECT_EQ(*smt[4], cpus("4-5"));  // (6,7) is not inside the cgroup
  auto inherit = *resolve_affinity(affinity::inherit(), 2, cg, t, 1);
  EXPECT_FALSE(inherit[0]);
  auto rnd = *resolve_affinity(affinity::random_subset(2), 20, cg, t, 42);
  for (const auto& m : rnd) {
    ASSERT_TRUE(m);
    EXPECT_EQ(m->size(), 2u);
    for (int c : *m) EXPECT_TRUE(cg.count(c)) << c;
  }
  EXPECT_EQ(rnd, *resolve_affinity(affinity::random_subset(2), 20, cg, t, 42));  // seeded
}

TEST(ScenarioResolve, SmtPairWithoutSmtIsAnEnvironmentError) {
  auto t = synth("1n1l4c1t");
  auto r = resolve_affinity(affinity::smt_sibling_pair(), 2, t.usable_cpus(), t, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(r.error().message.find("requires = [\"smt\"]"), std::string::npos);
}

TEST(ScenarioResolve, StepDurations) {
  std::vector<Step> steps(4);
  steps[0].hold = Hold::of(0.25);
  steps[1].hold = Hold::fixed(500'000'000);
  // steps 2 and 3 share what is left.
  auto d = step_durations_ns(steps, 4'000'000'000);
  EXPECT_EQ(d, (std::vector<uint64_t>{1'000'000'000, 500'000'000, 1'250'000'000, 1'250'000'000}));
  EXPECT_EQ(step_durations_ns({}, 3'000'000'000), (std::vector<uint64_t>{3'000'000'000}));
}

}  // namespace
}  // namespace ktstr::scenario
