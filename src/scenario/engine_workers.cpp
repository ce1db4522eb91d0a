// Engine: spawning workers into cgroups, pinning them, stopping and
// collecting them, and the live iteration counts for the timeline.
#include <numeric>

#include "scenario/engine_impl.hpp"
#include "scenario/resolve.hpp"
#include "util/clock.hpp"

namespace ktstr::scenario::detail {
namespace {

// Validates a cgroup's work entries once, with the worker counts resolved
// against `cpu_count` CPUs. Affinity is dropped: the engine pins workers
// itself after moving them into the cgroup (joining a cpuset resets a
// task's mask, so pinning must come after).
Result<std::vector<workload::ValidSpec>> validate_works(const std::vector<WorkDef>& works,
                                                        size_t cpu_count,
                                                        std::optional<size_t> override_workers) {
  const bool pcomm = !works.front().spec.pcomm.empty();
  std::vector<workload::ValidSpec> out;
  for (size_t i = 0; i < works.size(); ++i) {
    const auto ctx = workload::SpecContext::for_scenario(
        pcomm, fmt::format("group {} ({})", i, works[i].spec.work.name));
    workload::WorkSpec spec = works[i].spec;
    spec.affinity = workload::AffinityIntent{};
    auto v = workload::validate_work_spec(spec, ctx);
    if (!v) return unexpected(v.error());
    const size_t n = resolve_worker_count(works[i], cpu_count, v->unit_size, override_workers);
    KTSTR_TRY(workload::set_worker_count(*v, n, ctx));
    out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace

Status Engine::spawn(const std::string& cgroup, const std::vector<WorkDef>& works, bool start_now) {
  const CpuSet cpus = placement_cpus(cgroup);
  auto groups = validate_works(works, cpus.size(), o_.workers);
  if (!groups) return unexpected(groups.error());
  std::vector<size_t> counts;
  for (const auto& g : *groups) counts.push_back(*g.spec.num_workers);
  // cgroup_churn workers move themselves between sibling cgroups
  // `<cgroup>_churn_<i>` (siblings, not children: a v2 cgroup that delegates
  // controllers to children cannot hold tasks itself). Create them in the
  // run tree so teardown removes them with everything else.
  if (!cgroup.empty() && cgm_) {
    for (const auto& g : *groups) {
      if (g.def->name != "cgroup_churn") continue;
      for (int64_t i = 0; i < g.params.get_int("groups"); ++i) {
        KTSTR_TRY(cgm_->create(fmt::format("{}_churn_{}", cgroup, i)));
      }
    }
  }
  auto batch = std::make_unique<WorkerBatch>();
  batch->label = cgroup.empty() ? kHostLabel : cgroup;
  batch->current_cgroup = cgroup;
  if (!cgroup.empty()) batch->visited.insert(cgroup);
  const std::string dir = cgroup.empty() || !cgm_ ? "" : cgm_->path(cgroup);
  const std::string run_root = cgm_ ? cgm_->path("") : "";
  const workload::WorkSpec first = groups->front().spec;
  const bool pcomm = !first.pcomm.empty();
  auto handle = pcomm ? workload::WorkloadHandle::spawn_pcomm_groups(first.pcomm, first.uid,
                                                                     first.gid, std::move(*groups))
                      : workload::WorkloadHandle::spawn_groups(
                            std::move(*groups), {workload::CloneMode::kFork, dir, run_root});
  if (!handle) return unexpected(handle.error());
  batch->handle.emplace(std::move(*handle));
  if (!cgroup.empty()) {
    auto pids = batch->handle->worker_pids_for_cgroup_procs();
    if (!pids) return unexpected(pids.error());
    KTSTR_TRY(cgm_->move_pids(cgroup, *pids));
  }
  // Work-group ids and per-worker masks, in worker order (group by group).
  size_t idx = 0;
  for (size_t g = 0; g < works.size(); ++g) {
    const size_t id = next_work_group_++;
    batch->work_group.insert(batch->work_group.end(), counts[g], id);
    auto masks =
        resolve_affinity(works[g].spec.affinity, counts[g], cpus, *topo_, seed_ + id * 104729);
    if (!masks) return unexpected(masks.error());
    for (size_t k = 0; k < counts[g]; ++k, ++idx) {
      if (!(*masks)[k]) continue;
      if (pcomm) {
        r_.warnings.push_back(
            fmt::format("{}: affinity is not applied inside a pcomm container", batch->label));
        break;
      }
      if (auto st = batch->handle->set_affinity(idx, *(*masks)[k]); !st) {
        r_.warnings.push_back(
            fmt::format("{}: worker {}: {}", batch->label, idx, st.error().describe()));
      }
    }
  }
  if (start_now) batch->handle->start();
  event("spawn", fmt::format("{}: {} worker(s) of {} on CPUs {}", batch->label,
                             std::accumulate(counts.begin(), counts.end(), size_t{0}),
                             first.work.name, format_cpu_list(cpus)));
  batches_.push_back(std::move(batch));
  return {};
}

Status Engine::set_affinity(const std::string& cgroup, const workload::AffinityIntent& a) {
  const CpuSet cpus = placement_cpus(cgroup);
  for (auto& b : batches_) {
    if (b->collected || b->current_cgroup != cgroup || !b->handle) continue;
    const size_t n = b->handle->num_workers();
    auto masks = resolve_affinity(a, n, cpus, *topo_, seed_ + next_work_group_++ * 7);
    if (!masks) return unexpected(masks.error());
    for (size_t i = 0; i < n; ++i) {
      // inherit = back to every CPU of the cgroup.
      const CpuSet mask = (*masks)[i] ? *(*masks)[i] : cpus;
      if (auto st = b->handle->set_affinity(i, mask); !st) {
        r_.warnings.push_back(fmt::format("{}: worker {}: {}", b->label, i, st.error().describe()));
      }
    }
  }
  return {};
}

void Engine::collect(WorkerBatch& b) {
  if (b.collected || !b.handle) return;
  b.reports = b.handle->stop_and_collect();
  b.handle.reset();
  b.collected = true;
  for (const auto& r : b.reports) {
    if (!r.affinity_error.empty()) {
      r_.warnings.push_back(
          fmt::format("{}: tid {}: affinity: {}", b.label, r.tid, r.affinity_error));
    }
    for (const auto& w : r.warnings) {
      const std::string line = fmt::format("{}: {}", b.label, w);
      if (std::find(r_.warnings.begin(), r_.warnings.end(), line) == r_.warnings.end()) {
        r_.warnings.push_back(line);
      }
    }
  }
}

void Engine::stop_cgroup(const std::string& name, bool with_descendants) {
  for (auto& b : batches_) {
    const auto& cur = b->current_cgroup;
    const bool inside = cur == name || (with_descendants && cur.rfind(name + "/", 0) == 0);
    if (!inside || b->collected) continue;
    // Frozen tasks cannot see the stop signal.
    auto it = cgroups_.find(cur);
    if (it != cgroups_.end() && it->second.frozen && cgm_) {
      if (cgm_->freeze(cur, false)) it->second.frozen = false;
    }
    collect(*b);
  }
}

std::map<std::string, uint64_t> Engine::iterations() const {
  std::map<std::string, uint64_t> out;
  for (const auto& b : batches_) {
    uint64_t sum = 0;
    if (b->handle) {
      for (uint64_t v : b->handle->snapshot_iterations()) sum += v;
    } else {
      for (const auto& r : b->reports) sum += r.iterations;
    }
    out[b->label] += sum;
  }
  return out;
}

PhaseMark Engine::phase_mark() const {
  std::vector<pid_t> pids;
  uint64_t total = 0;
  for (const auto& [label, n] : iterations()) total += n;
  for (const auto& b : batches_) {
    if (!b->handle) continue;
    for (pid_t p : b->handle->worker_pids()) pids.push_back(p);
  }
  return take_phase_mark(pids, total, mono_ns());
}

}  // namespace ktstr::scenario::detail
