#include <gtest/gtest.h>

#include "scenario/toml_loader.hpp"

namespace ktstr::scenario {
namespace {

// The example of scenarios.md "Scenario file (TOML)".
constexpr const char* kSpecExample = R"(name = "cpuset_split"
description = "two cgroups on disjoint halves, futex ping-pong"
duration = "10s"
topology = "1n2l4c1t"        # used by --vm; ignored on the host unless it must match
requires = ["cpuset"]          # capabilities; missing => skip with reason

[[cgroup]]
name = "cg_0"
cpuset = { disjoint = { index = 0, of = 2 } }
work = [{ type = "futex_ping_pong", workers = 4 }]

[[cgroup]]
name = "cg_1"
cpuset = { disjoint = { index = 1, of = 2 } }
work = [{ type = "spin_wait", workers = 2, policy = "batch" }]

[[step]]
hold = "50%"
[[step]]
ops = [{ op = "swap_cpusets", a = "cg_0", b = "cg_1" }]
hold = "50%"

[checks]
max_gap_ms = 1500
isolation = true
)";

// "<file>:<line>: <message>" of a failed parse.
std::string error_of(const char* text) {
  auto s = parse_scenario_toml(text, "t.toml");
  if (s) return "(parsed)";
  return s.error().describe();
}

TEST(ScenarioToml, ParsesTheSpecExample) {
  auto s = parse_scenario_toml(kSpecExample, "cpuset_split.toml");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->name, "cpuset_split");
  EXPECT_EQ(s->duration_ns, 10'000'000'000u);
  EXPECT_EQ(s->topology->to_string(), "1n2l4c1t");
  ASSERT_EQ(s->requirements.size(), 1u);
  EXPECT_EQ(s->requirements[0].kind, Requirement::Kind::kCpuset);
  ASSERT_EQ(s->cgroups.size(), 2u);
  EXPECT_EQ(s->cgroups[0].cpuset->kind, CpusetSpec::Kind::kDisjoint);
  EXPECT_EQ(s->cgroups[1].cpuset->index, 1);
  EXPECT_EQ(s->cgroups[0].works[0].spec.work.name, "futex_ping_pong");
  EXPECT_EQ(*s->cgroups[0].works[0].spec.num_workers, 4u);
  EXPECT_EQ(s->cgroups[1].works[0].spec.sched_policy.kind, workload::SchedPolicy::Kind::kBatch);
  EXPECT_EQ(s->cgroups[1].line, 12);
  ASSERT_EQ(s->steps.size(), 2u);
  EXPECT_DOUBLE_EQ(s->steps[0].hold.fraction, 0.5);
  EXPECT_EQ(s->steps[1].ops[0].kind, Op::Kind::kSwapCpusets);
  EXPECT_EQ(s->steps[1].ops[0].other, "cg_1");
  EXPECT_DOUBLE_EQ(*s->checks.values.at("max_gap_ms").limit, 1500);
  EXPECT_TRUE(s->checks.values.at("isolation").enabled);
  EXPECT_EQ(s->source, "cpuset_split.toml");
}

TEST(ScenarioToml, UnknownKeysNameTheLineAndSuggest) {
  EXPECT_EQ(error_of("name = \"x\"\n\n[[cgroup]]\nname = \"a\"\nwork = [\n"
                     "  { type = \"spin_wait\", workres = 2 }]\n"),
            "t.toml:6: unknown key 'workres' in work entry; did you mean 'workers'?");
  EXPECT_EQ(error_of("name = \"x\"\n[checks]\nmax_gap = 10\n"),
            "t.toml:3: unknown key 'max_gap' in [checks]; did you mean 'max_gap_ms'?");
  EXPECT_EQ(error_of("name = \"x\"\ndurration = \"3s\"\n"),
            "t.toml:2: unknown key 'durration' in the scenario file; did you mean 'duration'?");
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]]\nname = \"a\"\n[[step]]\n"
                     "ops = [{ op = \"swap_cpuset\", a = \"a\", b = \"a\" }]\n")
                .substr(0, 74),
            "t.toml:5: unknown op 'swap_cpuset'; did you mean 'swap_cpusets'? (ops: add");
}

// Every section is read even after one failed, so a file with several
// mistakes reports them all, in line order, in one round (issue 17 item 2).
TEST(ScenarioToml, EveryStructuralProblemOfAFileAtOnce) {
  auto s = parse_scenario_toml(
      "name = \"x\"\nzeta = 1\nalpha = 2\n[[cgroup]]\nname = \"a\"\n"
      "work = [{ type = \"spin_wait\", workers = 0 }, { type = \"spin_wait\", nice = 99 }]\n"
      "[[cgroup]]\nname = \"b\"\ncpuset = \"zz\"\n[checks]\nmax_gap = 1\n",
      "t.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().problems, 6);
  const std::string m = s.error().describe();
  EXPECT_EQ(m.substr(0, m.find('\n')), "6 problems:");
  const std::vector<std::string> in_order = {"t.toml:2: unknown key 'zeta'",
                                             "t.toml:3: unknown key 'alpha'",
                                             "t.toml:6: workers must be in 1..4096, got 0",
                                             "t.toml:6: nice",
                                             "t.toml:9: cpuset: 'zz'",
                                             "t.toml:11: unknown key 'max_gap'"};
  size_t at = 0;
  for (const auto& part : in_order) {
    const size_t found = m.find("\n  " + part, at);
    ASSERT_NE(found, std::string::npos) << part << "\n" << m;
    at = found + 1;
  }
  // One problem stays a plain error, as before.
  EXPECT_EQ(parse_scenario_toml("name = \"x\"\nzeta = 1\n", "t.toml").error().problems, 1);
}

TEST(ScenarioToml, WrongTypesAndBadDurations) {
  EXPECT_EQ(error_of("name = \"x\"\nduration = 3\n"),
            "t.toml:2: key 'duration' in the scenario file must be a duration string such as "
            "\"250ms\" or \"3s\", got an integer");
  EXPECT_EQ(error_of("name = \"x\"\nduration = \"3 sec\"\n"),
            "t.toml:2: key 'duration' in the scenario file: '3 sec' is not a duration; write a "
            "number with a unit: ns, us, ms, s, m (e.g. 250ms, 10s)");
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]]\nname = \"a\"\n\nwork = [{ type = \"spin_wait\", "
                     "workers = \"two\" }]\n"),
            "t.toml:5: key 'workers' in work entry must be an integer, got a string");
  EXPECT_EQ(error_of("name = \"x\"\n[checks]\nisolation = \"yes\"\n"),
            "t.toml:3: key 'isolation' in [checks] must be a number or true/false, got a string");
  EXPECT_EQ(error_of("name = \"x\"\n[checks]\n\nisolation = 3\n"),
            "t.toml:4: [checks] check 'isolation' is on/off; write true or false");
  EXPECT_EQ(error_of("name = \"x\"\n[[step]]\nhold = \"150%\"\n"),
            "t.toml:3: hold '150%' must be a percentage in (0%, 100%]");
  EXPECT_EQ(error_of("name = 5\n"),
            "t.toml:1: key 'name' in the scenario file must be a string, got an integer");
}

TEST(ScenarioToml, DuplicateAndCyclicCgroupNames) {
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]]\nname = \"a\"\n[[cgroup]]\nname = \"b\"\n"
                     "[[cgroup]]\nname = \"a\"\n"),
            "t.toml:6: cgroup 'a' is declared twice (first at line 2); cgroup names must be "
            "unique");
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]]\nname = \"a\"\nparent = \"b\"\n[[cgroup]]\n"
                     "name = \"b\"\nparent = \"a\"\n"),
            "t.toml:7: cgroup parents form a cycle: a -> b -> a");
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]]\nname = \"a\"\nparent = \"prnt\"\n[[cgroup]]\n"
                     "name = \"parent\"\n"),
            "t.toml:4: cgroup 'a' has parent 'prnt', which no [[cgroup]] declares; did you mean "
            "'parent'?");
}

TEST(ScenarioToml, SemanticErrorsCarryTheLine) {
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]]\nname = \"a\"\n[[step]]\n\n"
                     "ops = [{ op = \"stop\", cgroup = \"b\" }]\n"),
            "t.toml:6: stop names cgroup 'b', which does not exist at that point (existing: a)");
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]]\nname = \"a\"\ncpuset = { disjoint = { index = 2, "
                     "of = 2 } }\n"),
            "t.toml:2: cpuset part needs 0 <= index < of, got index 2 of 2");
  EXPECT_EQ(error_of("name = \"x\"\nrequires = [\"multi_lc\"]\n"),
            "t.toml:2: requires: unknown requirement 'multi_lc'; did you mean 'multi_llc'? (known: "
            "root, cgroups, cpuset, cpu_controller, memory_controller, pids_controller, freezer, "
            "cgroup_v2, multi_llc, numa, smt, cap_sys_nice, rt_cgroups, min_cpus:N, binary:NAME)");
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]\n"), error_of("name = \"x\"\n[[cgroup]\n"));
  EXPECT_EQ(error_of("name = \"x\"\n[[cgroup]\n").rfind("t.toml:2: invalid TOML: ", 0), 0u);
}

TEST(ScenarioToml, NestedCgroupsHoldsOpsAndWorkKeys) {
  auto s = parse_scenario_toml(R"(name = "nested"
[[cgroup]]
name = "leaf"
parent = "mid"
work = [
  { type = "spin_wait", workers_pct = 50, nice = 5, affinity = "single_cpu", params = { burst = "10ms", n = 3 } },
]
[[cgroup]]
name = "mid"
parent = "top"
cpu_weight = 200
cpu_max = "50ms"
memory_max = "64M"
pids_max = 100
[[cgroup]]
name = "top"
cpuset = { range = { start = 0.0, end = 1.0 } }
[[step]]
hold = "1s"
ops = [{ op = "set_affinity", cgroup = "top/mid/leaf", affinity = { random_subset = 1 } },
       { op = "add_cgroup", name = "extra", parent = "top", cpuset = "0", work = [{ type = "yield_heavy" }] },
       { op = "run_payload", name = "p", cmd = ["true"] },
       { op = "wait_payload", name = "p", timeout = "2s" }]
[[step]]
hold = { loop = "200ms", for = "50%" }
ops = [{ op = "freeze", cgroup = "top/extra" }, { op = "unfreeze", cgroup = "top/extra" }]
)",
                               "n.toml");
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_EQ(s->cgroups.size(), 3u);
  EXPECT_EQ(s->cgroups[0].name, "top");
  EXPECT_EQ(s->cgroups[1].name, "top/mid");
  EXPECT_EQ(s->cgroups[2].name, "top/mid/leaf");
  EXPECT_EQ(*s->cgroups[1].limits.cpu_weight, 200u);
  EXPECT_EQ(*s->cgroups[1].limits.cpu_max_quota_us, 50000u);
  EXPECT_EQ(*s->cgroups[1].limits.memory_max_bytes, 64u << 20);
  EXPECT_EQ(*s->cgroups[1].limits.pids_max, 100u);
  const auto& w = s->cgroups[2].works[0];
  EXPECT_DOUBLE_EQ(*w.workers_pct, 50);
  EXPECT_EQ(*w.spec.nice, 5);
  EXPECT_EQ(w.spec.affinity.kind, workload::AffinityIntent::Kind::kSingleCpu);
  EXPECT_EQ(w.spec.work.params.at("burst"), "10ms");
  EXPECT_EQ(w.spec.work.params.at("n"), "3");
  EXPECT_EQ(s->steps[0].hold.kind, Hold::Kind::kFixed);
  EXPECT_EQ(s->steps[0].ops[0].affinity.count, 1u);
  EXPECT_EQ(s->steps[0].ops[1].def->name, "top/extra");
  EXPECT_EQ(s->steps[0].ops[1].def->cpuset->cpus, CpuSet{0});
  EXPECT_EQ(s->steps[0].ops[3].timeout_ns, 2'000'000'000u);
  EXPECT_EQ(*s->steps[1].hold.loop_interval_ns, 200'000'000u);
  EXPECT_DOUBLE_EQ(s->steps[1].hold.fraction, 0.5);
}

}  // namespace
}  // namespace ktstr::scenario
