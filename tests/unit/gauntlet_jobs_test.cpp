// The gauntlet job list: expansion with skip reasons, costs, --budget
// selection and the plan the CLI lists, on the real scenario catalogue and
// preset catalogue.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "gauntlet/plan.hpp"
#include "scenario/catalogue.hpp"

namespace ktstr::gauntlet {
namespace {

using ::testing::HasSubstr;

std::vector<scenario::Scenario> catalogue_scenarios() {
  std::vector<scenario::Scenario> out;
  for (const auto& e : scenario::catalogue()) {
    if (e.scenario) out.push_back(*e.scenario);
  }
  return out;
}

JobAxes realistic_axes() {
  JobAxes a;
  a.scenarios = catalogue_scenarios();
  a.presets = topo::presets();
  a.schedulers = {"eevdf", "scx_simple"};
  a.kernels = {"sched-ext"};
  return a;
}

EnvLookup no_env() {
  return [](const char*) -> std::optional<std::string> { return std::nullopt; };
}

scenario::Scenario scenario_requiring(const char* req) {
  scenario::Scenario s;
  s.name = std::string("needs_") + req;
  auto r = scenario::parse_requirement(req);
  EXPECT_TRUE(r) << req;
  s.requirements.push_back(*r);
  return s;
}

TEST(GauntletJobs, ExpandsEveryCellInNestingOrder) {
  JobAxes a;
  a.scenarios = {scenario_requiring("min_cpus:1")};
  a.scenarios[0].name = "a";
  a.scenarios.push_back(a.scenarios[0]);
  a.scenarios[1].name = "b";
  a.presets = {*topo::find_preset("2cpu-1llc-nosmt"), *topo::find_preset("16cpu-4llc-2n-smt")};
  a.schedulers = {"eevdf", "scx_simple"};
  a.kernels = {"k1", "k2", "k3"};
  auto m = expand_jobs(a, CostModel{});
  ASSERT_EQ(m.jobs.size(), 2u * 2u * 2u * 3u);
  EXPECT_TRUE(m.skipped.empty());
  EXPECT_EQ(m.jobs[0].id(), "a@2cpu-1llc-nosmt/eevdf/k1");
  EXPECT_EQ(m.jobs[1].id(), "a@2cpu-1llc-nosmt/eevdf/k2");
  EXPECT_EQ(m.jobs[6].id(), "a@16cpu-4llc-2n-smt/eevdf/k1");
  EXPECT_EQ(m.jobs[23].id(), "b@16cpu-4llc-2n-smt/scx_simple/k3");
  std::set<std::string> ids;
  for (const auto& j : m.jobs) ids.insert(j.id());
  EXPECT_EQ(ids.size(), m.jobs.size());
}

// Cost = boot (base + per vCPU) + guest overhead + the scenario duration.
TEST(GauntletJobs, EstimateFollowsTheStaticModel) {
  CostModel c;
  EXPECT_EQ(c.boot_ms(4), 1500u + 4u * 25u);
  EXPECT_EQ(c.estimate_ms(4, 3000), 1600u + 1000u + 3000u);
  JobAxes a;
  a.scenarios = {scenario_requiring("min_cpus:1")};
  a.scenarios[0].duration_ns = 5'000'000'000;
  a.presets = {*topo::find_preset("16cpu-4llc-2n-smt")};
  a.schedulers = {"eevdf"};
  a.kernels = {"auto"};
  auto m = expand_jobs(a, c);
  ASSERT_EQ(m.jobs.size(), 1u);
  EXPECT_EQ(m.jobs[0].cpus, 16);
  EXPECT_EQ(m.jobs[0].duration_ms, 5000u);
  EXPECT_EQ(m.jobs[0].estimate_ms, 1500u + 16u * 25u + 1000u + 5000u);
  a.duration_override_ns = 1'000'000'000;
  EXPECT_EQ(expand_jobs(a, c).jobs[0].estimate_ms, 1500u + 16u * 25u + 1000u + 1000u);
}

TEST(GauntletJobs, SkipsPresetsThatCannotMeetARequirementWithTheReason) {
  const auto& one_llc = *topo::find_preset("4cpu-1llc-nosmt");
  const auto& numa_smt = *topo::find_preset("16cpu-4llc-2n-smt");
  EXPECT_THAT(preset_cannot_run(scenario_requiring("numa"), one_llc).value_or(""),
              HasSubstr("more than one NUMA node"));
  EXPECT_THAT(preset_cannot_run(scenario_requiring("multi_llc"), one_llc).value_or(""),
              HasSubstr("more than one LLC"));
  EXPECT_THAT(preset_cannot_run(scenario_requiring("smt"), one_llc).value_or(""), HasSubstr("SMT"));
  EXPECT_THAT(preset_cannot_run(scenario_requiring("min_cpus:8"), one_llc).value_or(""),
              HasSubstr("at least 8 CPUs"));
  for (const char* r : {"numa", "multi_llc", "smt", "min_cpus:8", "root", "cpuset"}) {
    EXPECT_EQ(preset_cannot_run(scenario_requiring(r), numa_smt), std::nullopt) << r;
  }
}

TEST(GauntletJobs, CatalogueScenariosSkipOnlyWhereTheShapeLacksSomething) {
  auto m = expand_jobs(realistic_axes(), CostModel{});
  ASSERT_FALSE(m.jobs.empty());
  ASSERT_FALSE(m.skipped.empty());
  const auto* numa = scenario::find_in_catalogue("cgroup_cpuset_numa");
  ASSERT_NE(numa, nullptr);
  bool skipped_on_one_node = false;
  for (const auto& s : m.skipped) {
    EXPECT_FALSE(s.reason.empty());
    skipped_on_one_node |= s.scenario == "cgroup_cpuset_numa" && s.preset == "8cpu-4llc-nosmt";
  }
  EXPECT_TRUE(skipped_on_one_node);
  // The largest preset meets every topology requirement in the catalogue.
  for (const auto& s : m.skipped) EXPECT_NE(s.preset, "256cpu-32llc-8n-smt") << s.reason;
}

TEST(GauntletBudget, CoversEveryScenarioAndPresetThenFills) {
  auto m = expand_jobs(realistic_axes(), CostModel{});
  std::set<std::string> scenarios, presets;
  uint64_t cover_bound = 0;
  for (const auto& j : m.jobs) {
    scenarios.insert(j.scenario);
    presets.insert(j.preset);
    cover_bound = std::max(cover_bound, j.estimate_ms);
  }
  cover_bound *= scenarios.size() + presets.size();
  auto sel = select_within_budget(m.jobs, cover_bound, 7);
  EXPECT_TRUE(sel.uncovered.empty());
  std::set<std::string> got_s, got_p, got_sched;
  uint64_t sum = 0;
  for (size_t i : sel.picked) {
    got_s.insert(m.jobs[i].scenario);
    got_p.insert(m.jobs[i].preset);
    got_sched.insert(m.jobs[i].scheduler);
    sum += m.jobs[i].estimate_ms;
  }
  EXPECT_EQ(got_s, scenarios);
  EXPECT_EQ(got_p, presets);
  EXPECT_EQ(got_sched.size(), 2u);
  EXPECT_EQ(sum, sel.estimate_ms);
  EXPECT_LE(sel.estimate_ms, cover_bound);
  // Filled: the leftover is smaller than any job not picked.
  std::set<size_t> picked(sel.picked.begin(), sel.picked.end());
  for (size_t i = 0; i < m.jobs.size(); ++i) {
    if (!picked.count(i)) {
      EXPECT_GT(m.jobs[i].estimate_ms, cover_bound - sel.estimate_ms);
    }
  }
  EXPECT_TRUE(std::is_sorted(sel.picked.begin(), sel.picked.end()));
}

TEST(GauntletBudget, DeterministicAndSeeded) {
  auto m = expand_jobs(realistic_axes(), CostModel{});
  const uint64_t budget = 3'600'000;
  auto a = select_within_budget(m.jobs, budget, 1);
  auto b = select_within_budget(m.jobs, budget, 1);
  auto c = select_within_budget(m.jobs, budget, 2);
  EXPECT_EQ(a.picked, b.picked);
  EXPECT_NE(a.picked, c.picked);
  EXPECT_LE(a.estimate_ms, budget);
  // Stable across machines: a fixed input hashes to a fixed value.
  EXPECT_EQ(seeded_hash("steady@4cpu-1llc-nosmt/eevdf/auto", 0),
            seeded_hash("steady@4cpu-1llc-nosmt/eevdf/auto", 0));
  EXPECT_NE(seeded_hash("x", 0), seeded_hash("x", 1));
}

TEST(GauntletBudget, TooSmallABudgetSaysWhatIsLeftOut) {
  auto m = expand_jobs(realistic_axes(), CostModel{});
  auto sel = select_within_budget(m.jobs, 20'000, 0);
  EXPECT_LE(sel.estimate_ms, 20'000u);
  EXPECT_FALSE(sel.picked.empty());
  ASSERT_FALSE(sel.uncovered.empty());
  EXPECT_THAT(sel.uncovered.front(), ::testing::StartsWith("preset "));
  EXPECT_TRUE(select_within_budget(m.jobs, 0, 0).picked.empty());
}

TEST(GauntletPlan, ListsJobsWithEstimatesAndTotal) {
  GauntletOptions o;
  o.scenarios = {"steady", "cgroup_cpuset_numa"};
  o.presets = "4cpu-1llc-nosmt,16cpu-4llc-2n-smt";
  o.schedulers = {"eevdf", "scx_simple"};
  o.duration = "2s";
  auto p = plan_gauntlet(o, no_env());
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->matrix.jobs.size(), 6u);  // numa on 1 node skipped
  ASSERT_EQ(p->matrix.skipped.size(), 1u);
  EXPECT_EQ(p->mine.size(), 6u);
  auto text = render_plan_text(*p);
  EXPECT_THAT(text, HasSubstr("gauntlet: 2 scenarios x 2 presets x 2 schedulers x 1 kernel = 6 "
                              "jobs, 1 cell skipped"));
  EXPECT_THAT(text, HasSubstr("cgroup_cpuset_numa on 4cpu-1llc-nosmt: needs more than one NUMA"));
  EXPECT_THAT(text, HasSubstr("    1  steady  "));
  EXPECT_THAT(text, HasSubstr("4cpu-1llc-nosmt    eevdf       auto           4      4.6 s"));
  EXPECT_THAT(text, HasSubstr("4.6 s"));  // 1500 + 4*25 + 1000 + 2000 ms
  EXPECT_THAT(text, HasSubstr("total: 6 jobs, estimated"));
  auto j = plan_json(*p);
  EXPECT_EQ(j["total_jobs"], 6);
  EXPECT_EQ(j["jobs"].size(), 6u);
  EXPECT_EQ(j["jobs"][0]["id"], "steady@4cpu-1llc-nosmt/eevdf/auto");
  EXPECT_EQ(j["jobs"][0]["estimate_ms"], 4600);
  EXPECT_EQ(j["skipped"][0]["preset"], "4cpu-1llc-nosmt");
  // 10 s: the cheapest job, then the one bringing a new scenario, preset
  // and scheduler (4.6 + 4.9 s); nothing else fits.
  o.budget = "10s";
  auto b = plan_gauntlet(o, no_env());
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->mine, (std::vector<size_t>{0, 5}));
  EXPECT_THAT(render_plan_text(*b),
              HasSubstr("budget 10.0 s: 2 of 6 jobs (estimated 9.5 s), every scenario, preset, "
                        "scheduler and kernel at least once\n"));
  EXPECT_EQ(plan_json(*b)["matrix"]["jobs"], 2);
}

TEST(GauntletPlan, BadInputNamesTheFlag) {
  GauntletOptions o;
  o.scenarios = {"steady"};
  o.presets = "4cpu-1llc-nosmt,16cpu-4lcc-2n-smt";
  auto p = plan_gauntlet(o, no_env());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(p.error().context, "--presets");
  EXPECT_THAT(p.error().message, HasSubstr("did you mean '16cpu-4llc-2n-smt'?"));
  o.presets = "all";
  o.budget = "soon";
  p = plan_gauntlet(o, no_env());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().context.rfind("--budget", 0), 0u);
  o.budget = "";
  o.scenarios = {"no_such_scenario"};
  p = plan_gauntlet(o, no_env());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput);
}

TEST(GauntletPlan, AllPresetsIsTheWholeCatalogue) {
  auto all = parse_preset_list("all");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), topo::presets().size());
  auto two = parse_preset_list("1cpu-1llc-nosmt,,1cpu-1llc-nosmt,2cpu-1llc-smt");
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_FALSE(parse_preset_list(""));
}

}  // namespace
}  // namespace ktstr::gauntlet
