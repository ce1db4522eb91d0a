// The built-in catalogue: every entry loads and validates, uses only work
// types from the spec's catalogue, covers every category, and
// docs/scenarios.md lists it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scenario/catalogue.hpp"
#include "workload/work_type.hpp"

namespace ktstr::scenario {
namespace {

// The 42 work types of work-types.md. Scenarios may name types that other
// branches are still adding; they must at least be real names.
const std::set<std::string>& spec_work_types() {
  static const std::set<std::string> names = {"spin_wait",
                                              "yield_heavy",
                                              "mixed",
                                              "bursty",
                                              "pipe_io",
                                              "futex_ping_pong",
                                              "cache_pressure",
                                              "cache_yield",
                                              "cache_pipe",
                                              "futex_fan_out",
                                              "fan_out_compute",
                                              "sequence",
                                              "fork_exit",
                                              "nice_sweep",
                                              "affinity_churn",
                                              "cross_affinity_churn",
                                              "policy_churn",
                                              "page_fault_churn",
                                              "mutex_contention",
                                              "thundering_herd",
                                              "priority_inversion",
                                              "producer_consumer_imbalance",
                                              "rt_starvation",
                                              "asymmetric_waker",
                                              "wake_chain",
                                              "numa_working_set_sweep",
                                              "numa_migration_churn",
                                              "cgroup_churn",
                                              "cgroup_attach_storm",
                                              "signal_storm",
                                              "preempt_storm",
                                              "epoll_storm",
                                              "idle_churn",
                                              "alu_hot",
                                              "smt_sibling_spin",
                                              "ipc_variance",
                                              "io_sync_write",
                                              "io_rand_read",
                                              "io_convoy",
                                              "timer_latency",
                                              "schbench",
                                              "custom"};
  return names;
}

std::vector<const CatalogueEntry*> builtin() {
  std::vector<const CatalogueEntry*> out;
  for (const auto& e : catalogue()) {
    if (e.origin.rfind("builtin:", 0) == 0) out.push_back(&e);
  }
  return out;
}

TEST(ScenarioCatalogue, EveryBuiltinEntryLoadsAndValidates) {
  ASSERT_EQ(spec_work_types().size(), 42u);
  const auto entries = builtin();
  EXPECT_GE(entries.size(), 60u);
  std::set<std::string> names;
  for (const auto* e : entries) {
    ASSERT_TRUE(e->scenario) << e->origin << ": " << e->error->describe();
    EXPECT_TRUE(validate(*e->scenario)) << e->name;
    EXPECT_TRUE(names.insert(e->name).second) << "duplicate " << e->name;
    // The file is named after the scenario.
    EXPECT_EQ(e->origin, "builtin:scenarios/" + e->name + ".toml");
    EXPECT_FALSE(e->scenario->description.empty()) << e->name;
    // Short by default so the whole catalogue stays affordable.
    EXPECT_LE(e->scenario->duration_ns, 5'000'000'000u) << e->name;
  }
}

TEST(ScenarioCatalogue, WorkTypesAreSpecNamesAndMissingOnesAreListed) {
  const auto& reg = workload::WorkTypeRegistry::instance();
  for (const auto* e : builtin()) {
    ASSERT_TRUE(e->scenario);
    for (const auto& t : work_types_used(*e->scenario)) {
      EXPECT_TRUE(spec_work_types().count(t)) << e->name << " uses unknown work type " << t;
      const bool missing = std::find(e->missing_work_types.begin(), e->missing_work_types.end(),
                                     t) != e->missing_work_types.end();
      EXPECT_EQ(missing, reg.find(t) == nullptr) << e->name << " " << t;
    }
  }
}

TEST(ScenarioCatalogue, CoversEveryCategoryAndTheDefaultSetRunsToday) {
  std::set<std::string> categories;
  size_t defaults = 0;
  for (const auto* e : builtin()) {
    categories.insert(e->scenario->category);
    if (!e->scenario->default_set) continue;
    ++defaults;
    // The default set must run with the work types every build has.
    EXPECT_TRUE(e->missing_work_types.empty()) << e->name;
    for (const auto& r : e->scenario->requirements) {
      EXPECT_TRUE(r.kind == Requirement::Kind::kMinCpus && r.min_cpus <= 2)
          << e->name << " needs " << to_string(r) << " but CI has 2 CPUs";
    }
  }
  EXPECT_EQ(categories, (std::set<std::string>{"affinity", "basic", "cpuset", "dynamic", "nested",
                                               "performance", "sched_class", "stall", "stress"}));
  EXPECT_GE(defaults, 8u);
  for (const char* must : {"steady", "steady_llc", "oversubscribed", "cgroup_cpuset_apply_midrun",
                           "cgroup_add_midrun", "nested_cgroup_steady", "fork_exit_churn",
                           "mutex_contention_heavy", "mutex_contention_light"}) {
    EXPECT_NE(find_in_catalogue(must), nullptr) << must;
  }
}

TEST(ScenarioCatalogue, SelectionByNameGlobFilterAndDefault) {
  auto defaults = select_scenarios({}, "");
  ASSERT_TRUE(defaults);
  for (const auto& s : *defaults) EXPECT_TRUE(s.default_set) << s.name;
  auto glob = select_scenarios({"nested_*"}, "");
  ASSERT_TRUE(glob);
  EXPECT_GE(glob->size(), 4u);
  auto filtered = select_scenarios({"nested_*"}, "churn");
  ASSERT_TRUE(filtered);
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ(filtered->front().name, "nested_cgroup_churn");
  auto typo = select_scenarios({"stedy"}, "");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("did you mean 'steady'"), std::string::npos);
  auto file = select_scenarios({std::string(KTSTR_SOURCE_DIR) + "/scenarios/steady.toml"}, "");
  ASSERT_TRUE(file) << file.error().describe();
  EXPECT_EQ(file->front().name, "steady");
  EXPECT_FALSE(select_scenarios({"/nonexistent/x.toml"}, ""));
}

TEST(ScenarioCatalogue, ListingsCarryNamesAndRequirements) {
  auto j = catalogue_json();
  ASSERT_TRUE(j.is_array());
  bool found = false;
  for (const auto& e : j) {
    if (e["name"] != "steady_llc") continue;
    found = true;
    EXPECT_EQ(e["category"], "basic");
    EXPECT_EQ(e["requires"], nlohmann::json::array({"multi_llc"}));
  }
  EXPECT_TRUE(found);
  EXPECT_NE(catalogue_text().find("steady_llc"), std::string::npos);
  EXPECT_NE(checks_text().find("max_gap_ms"), std::string::npos);
  EXPECT_EQ(checks_json().size(), check::check_catalogue().size());
}

// docs/scenarios.md embeds catalogue_markdown() between markers. Run with
// KTSTR_UPDATE_DOCS=1 to rewrite it after changing scenarios/.
TEST(ScenarioCatalogue, DocsListTheCatalogue) {
  const std::string path = std::string(KTSTR_SOURCE_DIR) + "/docs/scenarios.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string doc = buf.str();
  const std::string begin = "<!-- catalogue:begin -->\n", end = "<!-- catalogue:end -->";
  auto b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string current = doc.substr(b + begin.size(), e - b - begin.size());
  const std::string expected = catalogue_markdown();
  if (current != expected && std::getenv("KTSTR_UPDATE_DOCS") != nullptr) {
    doc.replace(b + begin.size(), e - b - begin.size(), expected);
    std::ofstream(path) << doc;
    return;
  }
  EXPECT_EQ(current, expected) << "docs/scenarios.md is out of date; run the unit tests with "
                                  "KTSTR_UPDATE_DOCS=1 to regenerate the catalogue table";
}

}  // namespace
}  // namespace ktstr::scenario
