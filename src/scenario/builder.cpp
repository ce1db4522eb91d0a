#include "scenario/builder.hpp"

#include <algorithm>

#include "util/duration.hpp"

namespace ktstr::scenario {

Work::Work(std::string type) {
  def_.spec.work.name = std::move(type);
}
Work& Work::workers(size_t n) {
  def_.spec.num_workers = n;
  return *this;
}
Work& Work::workers_pct(double pct) {
  def_.workers_pct = pct;
  return *this;
}
Work& Work::param(const std::string& key, const std::string& value) {
  def_.spec.work.params[key] = value;
  return *this;
}
Work& Work::policy(const workload::SchedPolicy& p) {
  def_.spec.sched_policy = p;
  return *this;
}
Work& Work::nice(int n) {
  def_.spec.nice = n;
  return *this;
}
Work& Work::affinity(const workload::AffinityIntent& a) {
  def_.spec.affinity = a;
  return *this;
}
Work& Work::comm(std::string c) {
  def_.spec.comm = std::move(c);
  return *this;
}
Work& Work::pcomm(std::string p) {
  def_.spec.pcomm = std::move(p);
  return *this;
}
Work& Work::mem_policy(const workload::MemPolicy& m) {
  def_.spec.mem_policy = m;
  return *this;
}

Cgroup::Cgroup(std::string name) {
  def_.name = std::move(name);
}
Cgroup& Cgroup::cpuset(const CpusetSpec& c) {
  def_.cpuset = c;
  return *this;
}
Cgroup& Cgroup::work(const Work& w) {
  def_.works.push_back(w.def());
  return *this;
}
Cgroup& Cgroup::cpu_weight(uint32_t w) {
  def_.limits.cpu_weight = w;
  return *this;
}
Cgroup& Cgroup::cpu_max(uint64_t quota_us, uint64_t period_us) {
  def_.limits.cpu_max_quota_us = quota_us;
  def_.limits.cpu_max_period_us = period_us;
  return *this;
}
Cgroup& Cgroup::memory_max(uint64_t bytes) {
  def_.limits.memory_max_bytes = bytes;
  return *this;
}
Cgroup& Cgroup::pids_max(uint64_t n) {
  def_.limits.pids_max = n;
  return *this;
}

namespace affinity {
using K = workload::AffinityIntent::Kind;
static workload::AffinityIntent of(K k) {
  workload::AffinityIntent a;
  a.kind = k;
  return a;
}
workload::AffinityIntent inherit() {
  return of(K::kInherit);
}
workload::AffinityIntent exact(CpuSet cpus) {
  auto a = of(K::kExact);
  a.cpus = std::move(cpus);
  return a;
}
workload::AffinityIntent random_subset(size_t count) {
  auto a = of(K::kRandomSubset);
  a.count = count;
  return a;
}
workload::AffinityIntent single_cpu() {
  return of(K::kSingleCpu);
}
workload::AffinityIntent llc_aligned() {
  return of(K::kLlcAligned);
}
workload::AffinityIntent cross_cgroup() {
  return of(K::kCrossCgroup);
}
workload::AffinityIntent smt_sibling_pair() {
  return of(K::kSmtSiblingPair);
}
}  // namespace affinity

namespace ops {
static Op make(Op::Kind k, std::string cgroup = {}, std::string other = {}) {
  Op op;
  op.kind = k;
  op.cgroup = std::move(cgroup);
  op.other = std::move(other);
  return op;
}
static std::vector<WorkDef> defs(const std::vector<Work>& works) {
  std::vector<WorkDef> out;
  for (const auto& w : works) out.push_back(w.def());
  return out;
}
Op add_cgroup(const Cgroup& c) {
  Op op = make(Op::Kind::kAddCgroup, c.def().name);
  op.def = c.def();
  return op;
}
Op remove_cgroup(std::string name) {
  return make(Op::Kind::kRemoveCgroup, std::move(name));
}
Op set_cpuset(std::string name, const CpusetSpec& c) {
  Op op = make(Op::Kind::kSetCpuset, std::move(name));
  op.cpuset = c;
  return op;
}
Op clear_cpuset(std::string name) {
  return make(Op::Kind::kClearCpuset, std::move(name));
}
Op swap_cpusets(std::string a, std::string b) {
  return make(Op::Kind::kSwapCpusets, std::move(a), std::move(b));
}
Op set_limits(std::string name, const Limits& l) {
  Op op = make(Op::Kind::kSetLimits, std::move(name));
  op.limits = l;
  return op;
}
Op spawn(std::string cgroup, const std::vector<Work>& works) {
  Op op = make(Op::Kind::kSpawn, std::move(cgroup));
  op.works = defs(works);
  return op;
}
Op stop(std::string cgroup) {
  return make(Op::Kind::kStop, std::move(cgroup));
}
Op set_affinity(std::string cgroup, const workload::AffinityIntent& a) {
  Op op = make(Op::Kind::kSetAffinity, std::move(cgroup));
  op.affinity = a;
  return op;
}
Op spawn_host(const std::vector<Work>& works) {
  Op op = make(Op::Kind::kSpawnHost);
  op.works = defs(works);
  return op;
}
Op move_all(std::string from, std::string to) {
  return make(Op::Kind::kMoveAll, std::move(from), std::move(to));
}
Op freeze(std::string cgroup) {
  return make(Op::Kind::kFreeze, std::move(cgroup));
}
Op unfreeze(std::string cgroup) {
  return make(Op::Kind::kUnfreeze, std::move(cgroup));
}
Op run_payload(std::string name, std::vector<std::string> argv, std::string cgroup) {
  Op op = make(Op::Kind::kRunPayload, std::move(cgroup));
  op.payload = std::move(name);
  op.argv = std::move(argv);
  op.payload_kind = workload::detect_payload_kind(op.argv.empty() ? "" : op.argv.front());
  return op;
}
Op wait_payload(std::string name, uint64_t timeout_ns) {
  Op op = make(Op::Kind::kWaitPayload);
  op.payload = std::move(name);
  op.timeout_ns = timeout_ns;
  return op;
}
Op kill_payload(std::string name) {
  Op op = make(Op::Kind::kKillPayload);
  op.payload = std::move(name);
  return op;
}
Op detach_scheduler(uint64_t timeout_ns) {
  Op op = make(Op::Kind::kDetachScheduler);
  op.timeout_ns = timeout_ns;
  return op;
}
Op attach_scheduler(uint64_t timeout_ns) {
  Op op = make(Op::Kind::kAttachScheduler);
  op.timeout_ns = timeout_ns;
  return op;
}
Op restart_scheduler(uint64_t timeout_ns) {
  Op op = make(Op::Kind::kRestartScheduler);
  op.timeout_ns = timeout_ns;
  return op;
}
Op replace_scheduler(std::string scheduler, std::optional<std::vector<std::string>> args,
                     uint64_t timeout_ns) {
  Op op = make(Op::Kind::kReplaceScheduler);
  op.scheduler = std::move(scheduler);
  op.sched_args = std::move(args);
  op.timeout_ns = timeout_ns;
  return op;
}
}  // namespace ops

ScenarioBuilder::ScenarioBuilder(std::string name) {
  s_.name = std::move(name);
  s_.source = "c++";
}

void ScenarioBuilder::remember(const Status& st) {
  if (!st && !error_) error_ = with_context(st.error(), "scenario " + s_.name);
}

ScenarioBuilder& ScenarioBuilder::description(std::string d) {
  s_.description = std::move(d);
  return *this;
}
ScenarioBuilder& ScenarioBuilder::category(std::string c) {
  s_.category = std::move(c);
  return *this;
}
ScenarioBuilder& ScenarioBuilder::duration(std::string_view text) {
  auto ns = parse_duration_ns(text);
  if (ns) {
    s_.duration_ns = *ns;
  } else {
    remember(unexpected(ns.error()));
  }
  return *this;
}
ScenarioBuilder& ScenarioBuilder::duration_ns(uint64_t ns) {
  s_.duration_ns = ns;
  return *this;
}
ScenarioBuilder& ScenarioBuilder::topology(std::string_view spec) {
  auto t = topo::TopologySpec::parse(spec);
  if (t) {
    s_.topology = *t;
  } else {
    remember(unexpected(t.error()));
  }
  return *this;
}
ScenarioBuilder& ScenarioBuilder::require(std::string_view requirement) {
  auto r = parse_requirement(requirement);
  if (r) {
    s_.requirements.push_back(*r);
  } else {
    remember(unexpected(r.error()));
  }
  return *this;
}
ScenarioBuilder& ScenarioBuilder::cgroup(const Cgroup& c) {
  s_.cgroups.push_back(c.def());
  return *this;
}
ScenarioBuilder& ScenarioBuilder::step(std::vector<Op> ops, Hold hold,
                                       std::vector<Cgroup> cgroups) {
  Step st;
  st.ops = std::move(ops);
  st.hold = hold;
  for (const auto& c : cgroups) st.cgroups.push_back(c.def());
  s_.steps.push_back(std::move(st));
  return *this;
}
ScenarioBuilder& ScenarioBuilder::check(const std::string& name, double limit) {
  remember(s_.checks.set_limit(name, limit));
  return *this;
}
ScenarioBuilder& ScenarioBuilder::check(const std::string& name, bool enabled) {
  remember(s_.checks.set_enabled(name, enabled));
  return *this;
}
ScenarioBuilder& ScenarioBuilder::default_set(bool on) {
  s_.default_set = on;
  return *this;
}
ScenarioBuilder& ScenarioBuilder::source(std::string s) {
  s_.source = std::move(s);
  return *this;
}

Result<Scenario> ScenarioBuilder::build() const {
  if (error_) return unexpected(*error_);
  KTSTR_TRY(validate(s_));
  return s_;
}

namespace {
std::vector<RegisteredScenario>& registry() {
  static std::vector<RegisteredScenario> r;
  return r;
}
}  // namespace

const std::vector<RegisteredScenario>& registered_scenarios() {
  auto& r = registry();
  std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return r;
}

ScenarioRegistrar::ScenarioRegistrar(const char* name, const char* file, int line, ScenarioFn fn) {
  registry().push_back({name, fmt::format("c++:{}:{}", file, line), fn});
}

}  // namespace ktstr::scenario
