#include "workload/handle.hpp"

#include <sched.h>
#include <unistd.h>
#include <cerrno>
#include <string>

#include "sys/futex.hpp"
#include "workload/handle_state.hpp"

namespace ktstr::workload {

WorkloadHandle::WorkloadHandle(std::unique_ptr<HandleState> s) : s_(std::move(s)) {}
WorkloadHandle::WorkloadHandle(WorkloadHandle&&) noexcept = default;
WorkloadHandle& WorkloadHandle::operator=(WorkloadHandle&&) noexcept = default;
WorkloadHandle::~WorkloadHandle() = default;

Result<WorkloadHandle> WorkloadHandle::spawn(const WorkloadConfig& config) {
  auto groups = validate_config(config);
  if (!groups) return unexpected(groups.error());
  return spawn_groups(std::move(*groups),
                      {config.clone_mode, config.cgroup_dir, config.cgroup_root});
}

Result<WorkloadHandle> WorkloadHandle::spawn_groups(std::vector<ValidSpec> groups,
                                                    const SpawnOptions& o) {
  auto plans = plan_groups(std::move(groups), 0x6b747374);
  if (!plans) return unexpected(plans.error());
  // The state is the spawn guard: if anything below fails, its destructor
  // kills and reaps the children forked so far, joins threads, closes every
  // pipe and unmaps every region.
  auto st = std::make_unique<HandleState>();
  auto res = allocate_resources(std::move(*plans));
  if (!res) return unexpected(res.error());
  st->res = std::move(*res);
  st->res->cgroup_dir = o.cgroup_dir;
  st->res->cgroup_root = o.cgroup_root;
  if (o.clone_mode == CloneMode::kFork) {
    KTSTR_TRY(fork_workers(*st));
  } else {
    KTSTR_TRY(start_thread_workers(*st));
  }
  return WorkloadHandle(std::move(st));
}

Result<WorkloadHandle> WorkloadHandle::spawn_pcomm(const std::string& pcomm,
                                                   std::optional<uint32_t> uid,
                                                   std::optional<uint32_t> gid,
                                                   const std::vector<WorkSpec>& specs) {
  std::vector<ValidSpec> groups;
  for (size_t i = 0; i < specs.size(); ++i) {
    SpecContext ctx;
    ctx.clone_mode = CloneMode::kThread;
    ctx.spawn_kind = SpawnKind::kPcomm;
    ctx.label = fmt::format("group {} ({})", i, specs[i].work.name);
    auto v = validate_work_spec(specs[i], ctx);
    if (!v) return unexpected(v.error());
    groups.push_back(std::move(*v));
  }
  return spawn_pcomm_groups(pcomm, uid, gid, std::move(groups));
}

Result<WorkloadHandle> WorkloadHandle::spawn_pcomm_groups(const std::string& pcomm,
                                                          std::optional<uint32_t> uid,
                                                          std::optional<uint32_t> gid,
                                                          std::vector<ValidSpec> groups) {
  if (pcomm.empty()) return invalid_input("pcomm: the container name must not be empty");
  auto plans = plan_groups(std::move(groups), 0x70636f6d);
  if (!plans) return unexpected(plans.error());
  auto st = std::make_unique<HandleState>();
  auto res = allocate_resources(std::move(*plans));
  if (!res) return unexpected(res.error());
  st->res = std::move(*res);
  KTSTR_TRY(fork_pcomm_container(*st, pcomm, uid, gid));
  return WorkloadHandle(std::move(st));
}

std::vector<pid_t> WorkloadHandle::worker_pids() const {
  std::vector<pid_t> out;
  for (const auto& c : s_->children) out.push_back(c.pid);
  for (const auto& t : s_->threads) out.push_back(t->tid.load(std::memory_order_acquire));
  return out;
}

Result<std::vector<pid_t>> WorkloadHandle::worker_pids_for_cgroup_procs() const {
  if (!s_->threads.empty()) {
    return invalid_input(
        "thread workers share the harness's thread group; writing them to cgroup.procs would "
        "move the harness too. Use clone_mode=fork (or a pcomm container) for cgroup placement");
  }
  std::vector<pid_t> out;
  for (const auto& c : s_->children) out.push_back(c.pid);
  return out;
}

size_t WorkloadHandle::num_workers() const {
  return s_->res ? s_->res->total_workers : 0;
}

void WorkloadHandle::start() {
  if (s_->started) return;
  s_->started = true;
  if (!s_->children.empty() && s_->start_w) {
    // One byte per child, in as few writes as the pipe allows (a pipe holds
    // 64 KiB by default; children drain it while we write).
    const std::string bytes(s_->children.size(), 's');
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::write(s_->start_w.get(), bytes.data() + off, bytes.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
  }
  if (s_->thread_start) {
    s_->thread_start->store(1, std::memory_order_release);
    sys::futex_wake(s_->thread_start.get(), INT32_MAX, false);
  }
}

Status WorkloadHandle::set_affinity(size_t idx, const CpuSet& cpus) {
  auto pids = worker_pids();
  if (idx >= pids.size()) {
    return invalid_input(
        fmt::format("worker index {} out of range ({} workers)", idx, pids.size()));
  }
  if (idx < s_->children.size() && s_->children[idx].container) {
    return invalid_input(
        "set_affinity: a pcomm container hosts many worker threads; set the "
        "affinity in the WorkSpec instead");
  }
  if (pids[idx] == 0) {
    return invalid_input(
        fmt::format("worker {} has not published its tid yet; call start() "
                    "and retry",
                    idx));
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  if (sched_setaffinity(pids[idx], sizeof set, &set) != 0) {
    return sys_error(fmt::format("sched_setaffinity({}) failed", format_cpu_list(cpus)),
                     fmt::format("worker {} (tid {})", idx, pids[idx]));
  }
  return {};
}

std::vector<uint64_t> WorkloadHandle::snapshot_iterations() const {
  std::vector<uint64_t> out;
  if (!s_->res) return out;
  for (size_t i = 0; i < s_->res->total_workers; ++i) {
    out.push_back(s_->res->counter(i)->load(std::memory_order_relaxed));
  }
  return out;
}

std::vector<WorkerReport> WorkloadHandle::stop_and_collect() {
  if (s_->collected) return {};
  s_->collected = true;
  start();
  std::vector<WorkerReport> out;
  // Always wait for the ready bytes (bounded): even after an explicit
  // start(), a worker the scheduler has not run yet must not be stopped
  // before it began.
  if (!s_->children.empty()) out = collect_children(*s_, true);
  if (!s_->threads.empty()) {
    std::vector<WorkerReport> t;
    s_->stop_and_join_threads(&t);
    out.insert(out.end(), std::make_move_iterator(t.begin()), std::make_move_iterator(t.end()));
  }
  return out;
}

}  // namespace ktstr::workload
