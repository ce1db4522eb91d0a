// workload::validate_work_spec is the one validation of a work group: the
// same group from a scenario file, from `ktstr workload` flags and from the
// C++ builder validates to the same result, and each rule refuses a bad
// value with the same words whichever input it came from.
#include <gtest/gtest.h>

#include "scenario/builder.hpp"
#include "scenario/toml_loader.hpp"
#include "workload/flags.hpp"
#include "workload/spec.hpp"

namespace ktstr::workload {
namespace {

using scenario::ScenarioBuilder;
using scenario::Work;

SpecContext context_of(SpecSource source) {
  SpecContext ctx;
  ctx.source = source;
  ctx.label = "group 0";
  return ctx;
}

// As the scenario engine validates a file's or a builder's entry.
SpecContext scenario_context() {
  SpecContext ctx = context_of(SpecSource::kScenario);
  ctx.topology_known = true;
  ctx.count_required = false;
  return ctx;
}

// The flags of `ktstr workload`, through workload::spec_from_flags itself.
Result<ValidSpec> from_cli(const std::string& type, size_t workers,
                           const std::map<std::string, std::string>& params,
                           const std::string& policy, std::optional<int> nice,
                           const std::string& affinity) {
  WorkloadFlags f;
  f.type = type;
  f.workers = workers;
  for (const auto& [k, v] : params) f.params.push_back(k + "=" + v);
  f.policy = policy;
  f.nice = nice;
  f.affinity = affinity;
  auto w = spec_from_flags(f);
  if (!w) return unexpected(w.error());
  return std::move(w->group);
}

// The first work entry of a one-cgroup scenario file, loaded and validated.
Result<ValidSpec> from_toml(const std::string& work_entry) {
  auto s = scenario::parse_scenario_toml(
      "name = \"x\"\n[[cgroup]]\nname = \"a\"\nwork = [" + work_entry + "]\n", "t.toml");
  if (!s) return unexpected(s.error());
  return validate_work_spec(s->cgroups[0].works[0].spec, scenario_context());
}

Result<ValidSpec> from_builder(const Work& w) {
  auto s = ScenarioBuilder("x").cgroup(scenario::Cgroup("a").work(w)).build();
  if (!s) return unexpected(s.error());
  return validate_work_spec(s->cgroups[0].works[0].spec, scenario_context());
}

void expect_same(const ValidSpec& a, const ValidSpec& b) {
  EXPECT_EQ(a.def, b.def);
  EXPECT_EQ(a.unit_size, b.unit_size);
  EXPECT_EQ(a.spec.work.name, b.spec.work.name);
  EXPECT_EQ(a.spec.work.params, b.spec.work.params);
  EXPECT_EQ(a.spec.num_workers, b.spec.num_workers);
  EXPECT_EQ(to_string(a.spec.sched_policy), to_string(b.spec.sched_policy));
  EXPECT_EQ(a.spec.nice, b.spec.nice);
  EXPECT_EQ(a.spec.affinity.kind, b.spec.affinity.kind);
  EXPECT_EQ(a.spec.affinity.cpus, b.spec.affinity.cpus);
  ASSERT_EQ(a.params.all().size(), b.params.all().size());
  for (size_t i = 0; i < a.params.all().size(); ++i) {
    EXPECT_EQ(a.params.all()[i].first, b.params.all()[i].first);
    EXPECT_EQ(a.params.all()[i].second, b.params.all()[i].second) << a.params.all()[i].first;
  }
}

TEST(WorkSpecValidate, TomlCliAndBuilderGiveTheSameSpec) {
  auto toml = from_toml(
      "{ type = \"futex_ping_pong\", workers = 4, params = { spin_iters = 0 }, "
      "policy = \"fifo:10\", nice = 3, affinity = { exact = \"0-1\" } }");
  auto cli = from_cli("futex_ping_pong", 4, {{"spin_iters", "0"}}, "fifo:10", 3, "0-1");
  SchedPolicy fifo;
  fifo.kind = SchedPolicy::Kind::kFifo;
  fifo.priority = 10;
  auto built = from_builder(Work("futex_ping_pong")
                                .workers(4)
                                .param("spin_iters", "0")
                                .policy(fifo)
                                .nice(3)
                                .affinity(scenario::affinity::exact({0, 1})));
  ASSERT_TRUE(toml) << toml.error().describe();
  ASSERT_TRUE(cli) << cli.error().describe();
  ASSERT_TRUE(built) << built.error().describe();
  EXPECT_EQ(toml->def->name, "futex_ping_pong");
  EXPECT_EQ(toml->unit_size, 2u);
  EXPECT_EQ(toml->params.get_int("spin_iters"), 0);
  expect_same(*toml, *cli);
  expect_same(*toml, *built);
}

// Each case: the message of the TOML file, the flags and the builder, and
// the words all three share.
struct RuleCase {
  Result<ValidSpec> toml, cli, built;
  std::string words;
};

void expect_one_wording(const RuleCase& c) {
  for (const auto* r : {&c.toml, &c.cli, &c.built}) {
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(r->error().message.find(c.words), std::string::npos) << r->error().describe();
  }
}

TEST(WorkSpecValidate, NiceRangeHasOneWording) {
  expect_one_wording({from_toml("{ type = \"spin_wait\", nice = 30 }"),
                      from_cli("spin_wait", 1, {}, "", 30, ""),
                      from_builder(Work("spin_wait").nice(30)), "must be in -20..19, got 30"});
  auto cli = from_cli("spin_wait", 1, {}, "", -21, "");
  ASSERT_FALSE(cli);
  EXPECT_EQ(cli.error().message, "--nice must be in -20..19, got -21");
}

TEST(WorkSpecValidate, WorkerCountsHaveOneWording) {
  expect_one_wording({from_toml("{ type = \"spin_wait\", workers = 0 }"),
                      from_cli("spin_wait", 0, {}, "", std::nullopt, ""),
                      from_builder(Work("spin_wait").workers(0)), "must be in 1..4096, got 0"});
  expect_one_wording({from_toml("{ type = \"futex_ping_pong\", workers = 3 }"),
                      from_cli("futex_ping_pong", 3, {}, "", std::nullopt, ""),
                      from_builder(Work("futex_ping_pong").workers(3)),
                      "=3 but futex_ping_pong runs in units of 2 cooperating workers; use a "
                      "positive multiple of 2"});
  auto cli = from_cli("spin_wait", 5000, {}, "", std::nullopt, "");
  ASSERT_FALSE(cli);
  EXPECT_EQ(cli.error().message, "--workers must be in 1..4096, got 5000");
}

TEST(WorkSpecValidate, PolicyHasOneWording) {
  SchedPolicy fifo0;
  fifo0.kind = SchedPolicy::Kind::kFifo;
  expect_one_wording({from_toml("{ type = \"spin_wait\", policy = \"fifo:0\" }"),
                      from_cli("spin_wait", 1, {}, "fifo:0", std::nullopt, ""),
                      from_builder(Work("spin_wait").policy(fifo0)),
                      "policy 'fifo:0': priority must be 1-99; valid: normal"});
}

TEST(WorkSpecValidate, ParamsAndTypesHaveOneWording) {
  expect_one_wording({from_toml("{ type = \"spin_wait\", params = { bogus = 1 } }"),
                      from_cli("spin_wait", 1, {{"bogus", "1"}}, "", std::nullopt, ""),
                      from_builder(Work("spin_wait").param("bogus", "1")),
                      "work type spin_wait has no parameter 'bogus'"});
  expect_one_wording({from_toml("{ type = \"spinwait\" }"),
                      from_cli("spinwait", 1, {}, "", std::nullopt, ""),
                      from_builder(Work("spinwait")),
                      "work type 'spinwait' does not exist; did you mean 'spin_wait'?"});
}

TEST(WorkSpecValidate, AffinityHasOneWording) {
  WorkSpec empty_exact;
  empty_exact.work.name = "spin_wait";
  empty_exact.num_workers = 1;
  empty_exact.affinity.kind = AffinityIntent::Kind::kExact;
  expect_one_wording({from_toml("{ type = \"spin_wait\", affinity = { exact = [] } }"),
                      validate_work_spec(empty_exact, context_of(SpecSource::kCli)),
                      from_builder(Work("spin_wait").affinity(scenario::affinity::exact({}))),
                      "affinity: exact CPU set is empty; list at least one CPU"});
  WorkSpec no_count = empty_exact;
  no_count.affinity.kind = AffinityIntent::Kind::kRandomSubset;
  no_count.affinity.from = {0, 1};
  expect_one_wording(
      {from_toml("{ type = \"spin_wait\", affinity = { random_subset = 0 } }"),
       validate_work_spec(no_count, context_of(SpecSource::kApi)),
       from_builder(Work("spin_wait").affinity(scenario::affinity::random_subset(0))),
       "affinity: random_subset needs a count in 1..8192"});
  // Intents resolved against a topology: fine in a scenario, refused without one.
  WorkSpec llc = empty_exact;
  llc.affinity.kind = AffinityIntent::Kind::kLlcAligned;
  EXPECT_TRUE(from_toml("{ type = \"spin_wait\", affinity = \"llc_aligned\" }"));
  auto cli = validate_work_spec(llc, context_of(SpecSource::kCli));
  ASSERT_FALSE(cli);
  EXPECT_NE(cli.error().message.find("--affinity: this intent needs topology context"),
            std::string::npos);
}

TEST(WorkSpecValidate, MemPolicyRuleIsTheParsersRule) {
  auto toml = from_toml("{ type = \"spin_wait\", mem_policy = \"preferred:0-1\" }");
  MemPolicy two;
  two.kind = MemPolicy::Kind::kPreferred;
  two.nodes = {0, 1};
  auto built = from_builder(Work("spin_wait").mem_policy(two));
  for (const auto* r : {&toml, &built}) {
    ASSERT_FALSE(*r);
    EXPECT_NE(
        r->error().message.find("mem policy 'preferred:0-1': preferred takes exactly one node"),
        std::string::npos)
        << r->error().describe();
  }
  EXPECT_EQ(parse_mem_policy("bind").error().message,
            "mem policy 'bind': needs nodes, e.g. bind:0");
  EXPECT_EQ(parse_mem_policy("local:0").error().message,
            "mem policy 'local:0': this policy takes no nodes");
}

TEST(WorkSpecValidate, FileErrorsPointAtTheKeyLine) {
  auto s = scenario::parse_scenario_toml(
      "name = \"x\"\n[[cgroup]]\nname = \"a\"\n[[cgroup.work]]\ntype = \"spin_wait\"\n"
      "nice = 30\n",
      "t.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().describe(), "t.toml:6: nice must be in -20..19, got 30");
  auto w = scenario::parse_scenario_toml(
      "name = \"x\"\n[[cgroup]]\nname = \"a\"\n[[cgroup.work]]\ntype = \"spin_wait\"\n\n"
      "workers = -2\n",
      "t.toml");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().describe(), "t.toml:7: workers must be in 1..4096, got -2");
}

TEST(WorkSpecValidate, CountsCanBeSetLaterAndAreCheckedThen) {
  SpecContext ctx = context_of(SpecSource::kScenario);
  ctx.count_required = false;
  WorkSpec spec;
  spec.work.name = "futex_ping_pong";
  auto v = validate_work_spec(spec, ctx);
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_FALSE(v->spec.num_workers);
  auto odd = set_worker_count(*v, 3, ctx);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().context, "group 0");
  EXPECT_NE(odd.error().message.find("workers=3 but"), std::string::npos);
  ASSERT_TRUE(set_worker_count(*v, 4, ctx));
  EXPECT_EQ(*v->spec.num_workers, 4u);
  auto missing = validate_work_spec(spec, context_of(SpecSource::kApi));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "num_workers is required for composed groups; set it explicitly");
}

}  // namespace
}  // namespace ktstr::workload
