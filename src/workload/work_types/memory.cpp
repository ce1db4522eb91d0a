// Memory families: page-fault churn on a private region, and NUMA sweeps
// that move either the working set (mbind + MPOL_MF_MOVE) or the worker
// (affinity to each node's CPUs) from node to node. On a machine with one
// NUMA node the NUMA types warn once and keep their touch/sleep rhythm on
// that node, so a scenario still runs (and says why it proves nothing).
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <vector>

#include "util/file_io.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"
#include "workload/work_types/sched_helpers.hpp"

namespace ktstr::workload {
namespace {

constexpr const char* kNodeRoot = "/sys/devices/system/node";
constexpr int kMpolBind = 2;
constexpr unsigned kMpolMfMove = 1U << 1;
constexpr int kMaxNode = 1023;

// A private anonymous mapping owned by one worker.
class Region {
 public:
  explicit Region(size_t bytes) : size_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      base_ = static_cast<uint8_t*>(p);
      // 4 KiB faults are the point: no transparent huge pages.
      madvise(base_, size_, MADV_NOHUGEPAGE);
    }
  }
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;
  ~Region() {
    if (base_ != nullptr) munmap(base_, size_);
  }
  bool ok() const { return base_ != nullptr; }
  uint8_t* data() const { return base_; }
  size_t size() const { return size_; }

 private:
  uint8_t* base_ = nullptr;
  size_t size_;
};

size_t page_size() {
  return static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

uint64_t minor_faults_of_thread() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return static_cast<uint64_t>(ru.ru_minflt);
}

// Writes one byte in every page; +1 unit per page.
void touch_all(WorkerContext& ctx, const Region& r, size_t page) {
  volatile uint8_t* p = r.data();
  for (size_t off = 0; off < r.size(); off += page) p[off] = static_cast<uint8_t>(p[off] + 1);
  ctx.tel->add_units(r.size() / page);
}

void spin_until_stopped(WorkerContext& ctx) {
  while (!ctx.stopped()) {
    spin(ctx, 1024);
    ctx.tel->iteration();
  }
}

void run_page_fault_churn(WorkerContext& ctx) {
  const size_t page = page_size();
  const auto touches = static_cast<uint64_t>(ctx.params->get_int("touches"));
  const auto spin_iters = static_cast<uint64_t>(ctx.params->get_int("spin_iters"));
  Region r(static_cast<size_t>(ctx.params->get_int("region_kib")) * 1024 / page * page);
  if (!r.ok()) {
    ctx.tel->warn(
        fmt::format("page_fault_churn: mmap failed: {}; only spinning", std::strerror(errno)));
    return spin_until_stopped(ctx);
  }
  const size_t pages = r.size() / page;
  uint64_t rng = ctx.seed;
  const uint64_t faults0 = minor_faults_of_thread();
  volatile uint8_t* p = r.data();
  while (!ctx.stopped()) {
    for (uint64_t i = 0; i < touches; ++i) p[(next_random(rng) % pages) * page] = 1;
    ctx.tel->add_units(touches);
    // Drops every page, so the next round's touches fault again.
    madvise(r.data(), r.size(), MADV_DONTNEED);
    spin(ctx, spin_iters);
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("minor_faults", static_cast<double>(minor_faults_of_thread() - faults0));
}

// Online NUMA nodes from <root>/online ("0-1"); {0} when unreadable.
std::vector<int> online_nodes(const std::string& root = kNodeRoot) {
  auto text = read_file(root + "/online");
  auto nodes = text ? parse_cpu_list(*text) : Result<CpuSet>(CpuSet{});
  if (!nodes || nodes->empty()) return {0};
  return {nodes->begin(), nodes->end()};
}

// Every online node's CPU list (nodes without CPUs are left out).
std::map<int, CpuSet> node_cpus(const std::string& root = kNodeRoot) {
  std::map<int, CpuSet> out;
  for (int n : online_nodes(root)) {
    auto text = read_file(fmt::format("{}/node{}/cpulist", root, n));
    if (!text) continue;
    auto cpus = parse_cpu_list(*text);
    if (cpus && !cpus->empty()) out[n] = *cpus;
  }
  return out;
}

int mbind_to(const Region& r, int node) {
  // The kernel reads maxnode - 1 bits, so pass highest node + 2.
  const auto bits = static_cast<unsigned long>(node) + 2;
  std::vector<unsigned long> mask((bits + 63) / 64, 0);
  mask[static_cast<size_t>(node) / 64] |= 1UL << (node % 64);
  long rc = syscall(SYS_mbind, r.data(), r.size(), kMpolBind, mask.data(), bits, kMpolMfMove);
  return rc == 0 ? 0 : errno;
}

std::vector<int> sweep_nodes(const WorkerContext& ctx) {
  std::vector<int> nodes;
  for (const auto& s : ctx.params->get_list("target_nodes")) nodes.push_back(std::stoi(s));
  return nodes.empty() ? online_nodes() : nodes;
}

void run_numa_working_set_sweep(WorkerContext& ctx) {
  const size_t page = page_size();
  const uint64_t period_ns = static_cast<uint64_t>(ctx.params->get_int("period_ms")) * 1'000'000;
  Region r(static_cast<size_t>(ctx.params->get_int("region_kib")) * 1024 / page * page);
  if (!r.ok()) {
    ctx.tel->warn(fmt::format("numa_working_set_sweep: mmap failed: {}; only spinning",
                              std::strerror(errno)));
    return spin_until_stopped(ctx);
  }
  const std::vector<int> nodes = sweep_nodes(ctx);
  const bool sweep = nodes.size() >= 2;
  if (!sweep) {
    ctx.tel->warn(
        fmt::format("numa_working_set_sweep needs >= 2 NUMA nodes (sweep list has {}); "
                    "touching and sleeping on node {} without moving pages",
                    nodes.size(), nodes.empty() ? 0 : nodes[0]));
  }
  size_t next = 0;
  uint64_t moves = 0;
  bool warned = false;
  while (!ctx.stopped()) {
    if (sweep) {
      const int node = nodes[next++ % nodes.size()];
      if (int err = mbind_to(r, node); err != 0) {
        if (!warned) {
          ctx.tel->warn(fmt::format("numa_working_set_sweep: mbind to node {} failed: {}", node,
                                    std::strerror(err)));
          warned = true;
        }
      } else {
        ++moves;
      }
    }
    touch_all(ctx, r, page);
    const uint64_t before = mono_ns();
    sleep_ns(ctx, period_ns);
    if (ctx.stopped()) break;  // a sleep cut short by the stop is no sample
    ctx.tel->wake_sample(mono_ns() - before);
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("mbind_moves", static_cast<double>(moves));
}

void run_numa_migration_churn(WorkerContext& ctx) {
  const uint64_t period_ns = static_cast<uint64_t>(ctx.params->get_int("period_ms")) * 1'000'000;
  // Only nodes whose CPUs this worker may use.
  std::vector<std::pair<int, CpuSet>> targets;
  const CpuSet allowed = ctx.allowed_cpus();
  for (const auto& [node, cpus] : node_cpus()) {
    CpuSet usable;
    for (int c : cpus) {
      if (allowed.count(c) != 0) usable.insert(c);
    }
    if (!usable.empty()) targets.emplace_back(node, usable);
  }
  if (targets.size() < 2) {
    ctx.tel->warn(fmt::format(
        "numa_migration_churn needs >= 2 NUMA nodes with CPUs this worker may use (has {}); "
        "sleeping and spinning without changing node",
        targets.size()));
  }
  size_t next = 0;
  uint64_t switches = 0;
  bool warned = false;
  while (!ctx.stopped()) {
    if (targets.size() >= 2) {
      const auto& [node, cpus] = targets[next++ % targets.size()];
      if (int err = pin_self(cpus); err != 0 && !warned) {
        ctx.tel->warn(fmt::format("numa_migration_churn: pinning to node {} failed: {}", node,
                                  std::strerror(err)));
        warned = true;
      } else if (err == 0) {
        ++switches;
      }
    }
    sleep_ns(ctx, period_ns);
    spin(ctx, 1024);
    ctx.tel->iteration();
  }
  pin_self(allowed);
  ctx.tel->set_extra("node_switches", static_cast<double>(switches));
}

Status validate_target_nodes(const ParamValues& p) {
  for (const auto& s : p.get_list("target_nodes")) {
    int v = -1;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > kMaxNode) {
      return invalid_input(fmt::format(
          "param target_nodes: '{}' is not a NUMA node number (0..{}); give a comma-separated "
          "list such as 0,1, or leave it empty for every online node",
          s, kMaxNode));
    }
  }
  return {};
}

ParamDef region_param() {
  return {"region_kib", ParamKind::kInt, "4096", "region size in KiB", 4, 1LL << 22};
}
ParamDef period_param() {
  return {"period_ms", ParamKind::kInt, "100", "time per node (sleep) in ms", 1, 3'600'000};
}

}  // namespace

void register_memory_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "page_fault_churn",
           .family = "memory",
           .summary = "touch `touches` random pages of a private region (no THP), MADV_DONTNEED "
                      "it all, spin; extra minor_faults = the worker's minor-fault delta",
           .params = {region_param(),
                      {"touches", ParamKind::kInt, "256", "page touches per iteration", 1, 1 << 24},
                      {"spin_iters", ParamKind::kInt, "64", "spin per iteration", 1, 1LL << 32}},
           .run = run_page_fault_churn});
  reg.add({.name = "numa_working_set_sweep",
           .family = "memory",
           .summary = "mbind the region to the next node of target_nodes (empty = all online) "
                      "with MPOL_MF_MOVE, touch every page, sleep period_ms (sampled). One "
                      "node: warns and keeps touching/sleeping there",
           .params = {region_param(),
                      period_param(),
                      {"target_nodes", ParamKind::kList, "", "nodes to sweep, e.g. 0,1"}},
           .samples = "wake",
           .validate = validate_target_nodes,
           .needs = {"numa"},
           .run = run_numa_working_set_sweep});
  reg.add({.name = "numa_migration_churn",
           .family = "memory",
           .summary = "pin self to the next NUMA node's CPUs (from sysfs), sleep period_ms, "
                      "spin(1024); restores the allowed set. One node: warns and keeps the "
                      "sleep/spin rhythm without moving",
           .params = {period_param()},
           .needs = {"numa"},
           .run = run_numa_migration_churn});
}

}  // namespace ktstr::workload
