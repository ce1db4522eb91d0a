#include <gtest/gtest.h>

#include "workload/admission.hpp"
#include "workload/config.hpp"
#include "workload/params.hpp"

namespace ktstr::workload {
namespace {

TEST(SchedPolicyParse, AllForms) {
  EXPECT_EQ(parse_sched_policy("batch")->kind, SchedPolicy::Kind::kBatch);
  EXPECT_EQ(parse_sched_policy("idle")->kind, SchedPolicy::Kind::kIdle);
  auto fifo = parse_sched_policy("fifo:50");
  ASSERT_TRUE(fifo);
  EXPECT_EQ(fifo->kind, SchedPolicy::Kind::kFifo);
  EXPECT_EQ(fifo->priority, 50);
  EXPECT_EQ(to_string(*fifo), "fifo:50");
  auto dl = parse_sched_policy("deadline:1ms:10ms:10ms");
  ASSERT_TRUE(dl);
  EXPECT_EQ(dl->runtime_ns, 1000000u);
  EXPECT_EQ(dl->period_ns, 10000000u);
  EXPECT_TRUE(dl->needs_cap_sys_nice());
  EXPECT_FALSE(parse_sched_policy("fifo"));
  EXPECT_FALSE(parse_sched_policy("fifo:0"));
  EXPECT_FALSE(parse_sched_policy("rr:100"));
  EXPECT_FALSE(parse_sched_policy("deadline:10ms:1ms:10ms"));
  EXPECT_FALSE(parse_sched_policy("batch:3"));
  auto bad = parse_sched_policy("realtime");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(bad.error().message.find("fifo:PRIO"), std::string::npos);
}

TEST(MemPolicyParse, NodesAndErrors) {
  auto b = parse_mem_policy("bind:0-1");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, MemPolicy::Kind::kBind);
  EXPECT_EQ(b->nodes, (std::set<int>{0, 1}));
  EXPECT_EQ(parse_mem_policy("local")->kind, MemPolicy::Kind::kLocal);
  EXPECT_FALSE(parse_mem_policy("preferred:0-1"));
  EXPECT_FALSE(parse_mem_policy("bind"));
  EXPECT_FALSE(parse_mem_policy("local:0"));
  EXPECT_FALSE(parse_mem_policy("bogus"));
}

TEST(Params, DefaultsOverridesAndErrors) {
  std::vector<ParamDef> defs = {
      {"n", ParamKind::kInt, "4", "", 1, 64},
      {"t", ParamKind::kDuration, "5ms", "", 1},
      {"mode", ParamKind::kChoice, "pipe", "", 0, INT64_MAX, {"pipe", "futex"}},
      {"flag", ParamKind::kBool, "false"},
      {"nodes", ParamKind::kList, ""},
  };
  auto p = resolve_params("wt", defs, {{"n", "8"}, {"mode", "futex"}});
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->get_int("n"), 8);
  EXPECT_EQ(p->get_ns("t"), 5000000u);
  EXPECT_EQ(p->get_str("mode"), "futex");
  EXPECT_FALSE(p->get_bool("flag"));
  EXPECT_TRUE(p->get_list("nodes").empty());
  auto unknown = resolve_params("wt", defs, {{"m", "1"}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("no parameter 'm'"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("valid: n, t, mode"), std::string::npos);
  auto range = resolve_params("wt", defs, {{"n", "0"}});
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().message.find("param n=0"), std::string::npos);
  EXPECT_FALSE(resolve_params("wt", defs, {{"n", "x"}}));
  EXPECT_FALSE(resolve_params("wt", defs, {{"t", "0ms"}}));
  EXPECT_FALSE(resolve_params("wt", defs, {{"t", "5"}}));
  EXPECT_FALSE(resolve_params("wt", defs, {{"mode", "udp"}}));
  EXPECT_FALSE(resolve_params("wt", defs, {{"flag", "maybe"}}));
  auto list = resolve_params("wt", defs, {{"nodes", "0,1,3"}});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->get_list("nodes"), (std::vector<std::string>{"0", "1", "3"}));
}

WorkloadConfig config_of(const std::string& type, size_t n) {
  WorkloadConfig c;
  c.work.name = type;
  c.num_workers = n;
  return c;
}

TEST(Admission, GroupMultipleAndNames) {
  auto bad = plan_workload(config_of("futex_ping_pong", 3));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(bad.error().context, "group 0 (futex_ping_pong)");
  EXPECT_NE(bad.error().message.find("multiple of 2"), std::string::npos);
  EXPECT_FALSE(plan_workload(config_of("futex_ping_pong", 0)));
  auto ok = plan_workload(config_of("futex_ping_pong", 4));
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].units, 2u);
  EXPECT_EQ((*ok)[0].shared_per_unit, 64u);  // 4-byte word padded to a cache line
  auto unknown = plan_workload(config_of("spinwait", 1));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("did you mean 'spin_wait'"), std::string::npos);
}

TEST(Admission, AffinityRules) {
  auto c = config_of("spin_wait", 2);
  c.affinity.kind = AffinityIntent::Kind::kExact;
  auto empty = plan_workload(c);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("exact CPU set is empty"), std::string::npos);
  c.affinity.kind = AffinityIntent::Kind::kRandomSubset;
  EXPECT_FALSE(plan_workload(c));  // empty pool
  c.affinity.from = {0, 1, 2, 3};
  c.affinity.count = 0;
  EXPECT_FALSE(plan_workload(c));  // count 0
  c.affinity.count = 2;
  auto rs = plan_workload(c);
  ASSERT_TRUE(rs);
  for (const auto& cpus : (*rs)[0].worker_cpus) {
    ASSERT_TRUE(cpus);
    EXPECT_EQ(cpus->size(), 2u);
    for (int cpu : *cpus) EXPECT_TRUE(c.affinity.from.count(cpu));
  }
  c.affinity.kind = AffinityIntent::Kind::kLlcAligned;
  auto needs_topo = plan_workload(c);
  ASSERT_FALSE(needs_topo);
  EXPECT_NE(needs_topo.error().message.find("scenario"), std::string::npos);
}

TEST(Admission, ThreadModeRestrictionIsEnforced) {
  WorkTypeRegistry::instance().add({.name = "unit_fork_only",
                                    .family = "test",
                                    .summary = "",
                                    .thread_ok = false,
                                    .pcomm_ok = false,
                                    .restriction = "needs its own process",
                                    .run = [](WorkerContext&) {}});
  auto c = config_of("unit_fork_only", 1);
  c.clone_mode = CloneMode::kThread;
  auto r = plan_workload(c);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("clone_mode=thread is not allowed: needs its own process"),
            std::string::npos);
  c.clone_mode = CloneMode::kFork;
  EXPECT_TRUE(plan_workload(c));
  auto pcomm = plan_workload(c, SpawnKind::kPcomm);
  ASSERT_FALSE(pcomm);
  EXPECT_NE(pcomm.error().message.find("pcomm is not allowed"), std::string::npos);
}

}  // namespace
}  // namespace ktstr::workload
