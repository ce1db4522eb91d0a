#include <gtest/gtest.h>

#include "scenario/builder.hpp"

namespace ktstr::scenario {
namespace {

KTSTR_SCENARIO(builder_test_two_halves) {
  s.description("two cgroups on disjoint halves")
      .category("cpuset")
      .duration("2s")
      .cgroup(Cgroup("cg_0").cpuset(CpusetSpec::disjoint(0, 2)).work(Work("spin_wait").workers(2)))
      .cgroup(Cgroup("cg_1").cpuset(CpusetSpec::disjoint(1, 2)).work(Work("mixed")))
      .step({}, Hold::of(0.5))
      .step({ops::swap_cpusets("cg_0", "cg_1")}, Hold::of(0.5))
      .check("isolation", true)
      .check("max_gap_ms", 1500);
}

TEST(ScenarioBuilder, MacroRegistersAScenario) {
  const RegisteredScenario* found = nullptr;
  for (const auto& r : registered_scenarios()) {
    if (r.name == "builder_test_two_halves") found = &r;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_NE(found->origin.find("scenario_builder_test.cpp"), std::string::npos);
  ScenarioBuilder b(found->name);
  found->fn(b);
  auto s = b.build();
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->duration_ns, 2'000'000'000u);
  ASSERT_EQ(s->cgroups.size(), 2u);
  EXPECT_EQ(s->steps[1].ops[0].kind, Op::Kind::kSwapCpusets);
  EXPECT_DOUBLE_EQ(*s->checks.values.at("max_gap_ms").limit, 1500);
}

TEST(ScenarioBuilder, BuildReportsTheFirstBadValue) {
  auto s = ScenarioBuilder("x").duration("3 parsecs").check("max_gap", 5.0).build();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("not a duration"), std::string::npos);
  auto c = ScenarioBuilder("x").check("max_gap", 5.0).build();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("did you mean 'max_gap_ms'"), std::string::npos);
}

TEST(ScenarioValidate, OpsMustReferenceLiveCgroups) {
  auto s = ScenarioBuilder("x")
               .cgroup(Cgroup("a").work(Work("spin_wait")))
               .step({ops::remove_cgroup("a")})
               .step({ops::stop("a")})
               .build();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("stop names cgroup 'a', which does not exist"),
            std::string::npos)
      << s.error().message;
}

TEST(ScenarioValidate, DuplicatesHoldsAndLoops) {
  EXPECT_FALSE(ScenarioBuilder("x").cgroup(Cgroup("a")).cgroup(Cgroup("a")).build());
  EXPECT_FALSE(ScenarioBuilder("x").cgroup(Cgroup("../etc")).build());
  EXPECT_FALSE(ScenarioBuilder("x").step({}, Hold::of(0.7)).step({}, Hold::of(0.5)).build());
  auto loop_add = ScenarioBuilder("x")
                      .step({ops::add_cgroup(Cgroup("c"))}, Hold::share().loop(100'000'000))
                      .build();
  ASSERT_FALSE(loop_add);
  EXPECT_NE(loop_add.error().message.find("twice"), std::string::npos);
  auto churn = ScenarioBuilder("x")
                   .cgroup(Cgroup("c"))
                   .step({ops::remove_cgroup("c"), ops::add_cgroup(Cgroup("c"))},
                         Hold::share().loop(100'000'000))
                   .build();
  EXPECT_TRUE(churn) << churn.error().describe();
  EXPECT_FALSE(ScenarioBuilder("x")
                   .cgroup(Cgroup("a").work(Work("spin_wait").workers(2).workers_pct(50)))
                   .build());
  EXPECT_FALSE(ScenarioBuilder("x").step({ops::wait_payload("p")}).build());
}

TEST(ScenarioValidate, RequirementsParse) {
  EXPECT_EQ(parse_requirement("min_cpus:4")->min_cpus, 4);
  EXPECT_EQ(parse_requirement("binary:stress-ng")->binary, "stress-ng");
  EXPECT_EQ(parse_requirement("smt")->kind, Requirement::Kind::kSmt);
  auto bad = parse_requirement("multi_lc");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("did you mean 'multi_llc'"), std::string::npos);
  EXPECT_FALSE(parse_requirement("min_cpus:x"));
  EXPECT_FALSE(parse_requirement("root:1"));
}

}  // namespace
}  // namespace ktstr::scenario
