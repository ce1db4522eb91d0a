// ALU families: saturated multiply units at a chosen vector width, a pair
// of spinners meant for SMT siblings, and alternating high-/low-IPC phases.
// All three never block; each outer iteration's wall time is a cost sample
// (preemption inside an iteration shows up as an inflated sample).
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "util/cpu_list.hpp"
#include "util/file_io.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/alu_kernels.hpp"
#include "workload/work_types/families.hpp"
#include "workload/work_types/sequence.hpp"

namespace ktstr::workload {
namespace {

constexpr uint64_t kAluStepsPerIteration = 2048;
constexpr uint64_t kSmtSpinIters = 1024;
constexpr char kSysCpuRoot[] = "/sys/devices/system/cpu";

void run_alu_hot(WorkerContext& ctx) {
  const ResolvedWidth w = resolve_vec_width(ctx.params->get_str("width"));
  if (!w.downgrade_note.empty()) ctx.tel->warn("alu_hot: " + w.downgrade_note);
  double sink = 0;
  while (!ctx.stopped()) {
    const uint64_t before = mono_ns();
    sink += run_multiply_chains(w.width, kAluStepsPerIteration);
    ctx.tel->cost_sample(mono_ns() - before);
    ctx.tel->add_units(kAluStepsPerIteration);
    ctx.tel->iteration();
  }
  asm volatile("" ::"g"(sink));
  ctx.tel->set_extra("width_bits", vec_width_bits(w.width));
}

// The single CPU this thread is pinned to, or -1 when its mask has more.
int pinned_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) != 1) return -1;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) return c;
  }
  return -1;
}

// Why the pair is not on SMT siblings, or "" when it is.
std::string smt_pair_problem(int cpu, int partner_cpu) {
  if (cpu < 0 || partner_cpu < 0) {
    return "the pair is not pinned to one CPU each (use the smt_sibling_pair affinity), so it is "
           "not on SMT siblings";
  }
  if (cpu == partner_cpu) return fmt::format("both workers are pinned to cpu {}", cpu);
  const std::string path = fmt::format("{}/cpu{}/topology/thread_siblings_list", kSysCpuRoot, cpu);
  auto text = read_file(path);
  auto siblings = text ? parse_cpu_list(*text) : Result<CpuSet>(CpuSet{});
  if (!text || !siblings) return fmt::format("cannot read {}; SMT placement unknown", path);
  if (siblings->count(partner_cpu) != 0) return "";
  return fmt::format(
      "cpus {} and {} are not SMT siblings (cpu {} siblings: {}{}); the pair "
      "spins on separate cores",
      cpu, partner_cpu, cpu, format_cpu_list(*siblings),
      siblings->size() <= 1 ? ", no SMT here" : "");
}

// Each worker publishes its pinned CPU (+1, so 0 means "not yet") in the
// pair's shared slots; position 0 checks the placement once the partner
// has published, without ever blocking the spin loop.
void run_smt_sibling_spin(WorkerContext& ctx) {
  auto* slots = ctx.shared_as<std::atomic<int32_t>>();
  const int cpu = pinned_cpu();
  slots[ctx.pos].store(cpu >= 0 ? cpu + 1 : -1, std::memory_order_release);
  bool checked = ctx.pos != 0;
  while (!ctx.stopped()) {
    if (!checked) {
      const int32_t partner = slots[1].load(std::memory_order_acquire);
      if (partner != 0) {
        checked = true;
        const std::string problem = smt_pair_problem(cpu, partner > 0 ? partner - 1 : -1);
        ctx.tel->set_extra("smt_siblings", problem.empty() ? 1 : 0);
        if (!problem.empty()) ctx.tel->warn("smt_sibling_spin: " + problem);
      }
    }
    const uint64_t before = mono_ns();
    spin(ctx, kSmtSpinIters);
    ctx.tel->cost_sample(mono_ns() - before);
    ctx.tel->iteration();
  }
}

// Largest cache size under cpu0 (the LLC), 0 when unknown.
uint64_t llc_bytes() {
  uint64_t best = 0;
  for (int idx = 0; idx < 8; ++idx) {
    auto text = read_file(fmt::format("{}/cpu0/cache/index{}/size", kSysCpuRoot, idx));
    if (!text) break;
    uint64_t v = std::strtoull(text->c_str(), nullptr, 10);
    if (text->find('K') != std::string::npos) v <<= 10;
    if (text->find('M') != std::string::npos) v <<= 20;
    best = std::max(best, v);
  }
  return best;
}

// A single random cycle through one slot per cache line (Sattolo's
// shuffle), sized well past the LLC: every load of the chase depends on
// the previous one and misses.
class PointerChase {
 public:
  static constexpr size_t kSlotsPerLine = 64 / sizeof(uint32_t);

  // `bytes` 0 = twice the LLC, within 16..128 MiB.
  PointerChase(uint64_t bytes, uint64_t seed) {
    if (bytes == 0) bytes = std::clamp<uint64_t>(2 * llc_bytes(), 16 << 20, 128 << 20);
    lines_ = bytes / 64;
    slots_ = std::make_unique_for_overwrite<uint32_t[]>(lines_ * kSlotsPerLine);
    for (size_t i = 0; i < lines_; ++i) slots_[i * kSlotsPerLine] = static_cast<uint32_t>(i);
    for (size_t i = lines_ - 1; i > 0; --i) {
      const size_t j = next_random(seed) % i;
      std::swap(slots_[i * kSlotsPerLine], slots_[j * kSlotsPerLine]);
    }
  }
  // Follows `n` links from the current position.
  void chase(uint64_t n) {
    uint32_t at = at_;
    for (uint64_t i = 0; i < n; ++i) at = slots_[at * kSlotsPerLine];
    asm volatile("" ::"r"(at));  // the chase has no other observable effect
    at_ = at;
  }
  uint64_t bytes() const { return lines_ * 64; }

 private:
  size_t lines_ = 0;
  std::unique_ptr<uint32_t[]> slots_;
  uint32_t at_ = 0;
};

// A dependent integer multiply-add chain: one op per cycle or so, all in
// registers (the high-IPC phase).
uint64_t alu_chain(uint64_t x, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    asm volatile("" : "+r"(x));
  }
  return x;
}

struct PhaseStats {
  uint64_t iterations = 0;
  uint64_t ns = 0;
};

void report_ipc_phase(WorkerContext& ctx, const char* name, const PhaseStats& s, uint64_t ops) {
  ctx.tel->set_extra(fmt::format("{}_iterations", name), static_cast<double>(s.iterations));
  if (s.iterations == 0) return;
  ctx.tel->set_extra(fmt::format("{}_mean_ns", name),
                     static_cast<double>(s.ns) / static_cast<double>(s.iterations));
  ctx.tel->set_extra(fmt::format("{}_ns_per_op", name),
                     static_cast<double>(s.ns) / static_cast<double>(s.iterations * ops));
}

// `period_iters` iterations of hot_iters ALU ops, then `period_iters`
// iterations of cold_iters dependent cache-missing loads, and again.
void run_ipc_variance(WorkerContext& ctx) {
  const auto hot_iters = static_cast<uint64_t>(ctx.params->get_int("hot_iters"));
  const auto cold_iters = static_cast<uint64_t>(ctx.params->get_int("cold_iters"));
  const auto period_iters = static_cast<uint64_t>(ctx.params->get_int("period_iters"));
  PointerChase chase(static_cast<uint64_t>(ctx.params->get_int("buffer_mib")) << 20, ctx.seed);
  ctx.tel->after_block();  // building the chase is setup, not a scheduling gap
  PhaseStats hot, cold;
  uint64_t x = ctx.seed;
  // At least one (hot) iteration even when the stop came while the chase
  // was being built: building 2x the LLC takes hundreds of ms in sanitized
  // builds, and a short run would otherwise report a worker with no work.
  for (uint64_t i = 0; i == 0 || !ctx.stopped(); ++i) {
    const bool is_hot = (i / period_iters) % 2 == 0;
    const uint64_t before = mono_ns();
    if (is_hot) {
      x = alu_chain(x, hot_iters);
    } else {
      chase.chase(cold_iters);
    }
    const uint64_t cost = mono_ns() - before;
    ctx.tel->cost_sample(cost);
    PhaseStats& s = is_hot ? hot : cold;
    ++s.iterations;
    s.ns += cost;
    ctx.tel->add_units(is_hot ? hot_iters : cold_iters);
    ctx.tel->iteration();
  }
  asm volatile("" ::"r"(x));
  report_ipc_phase(ctx, "hot", hot, hot_iters);
  report_ipc_phase(ctx, "cold", cold, cold_iters);
  ctx.tel->set_extra("chase_mib", static_cast<double>(chase.bytes() >> 20));
}

}  // namespace

void register_alu_work_types(WorkTypeRegistry& reg) {
  reg.add({.name = "alu_hot",
           .family = "alu",
           .summary = "8 dependent multiply chains at a vector width: saturates the FP units",
           .params = {{"width",
                       ParamKind::kChoice,
                       "widest",
                       "widest (detected at run time), or scalar|vec128|vec256|vec512 (an "
                       "unsupported width warns and uses the widest)",
                       0,
                       INT64_MAX,
                       {"widest", "scalar", "vec128", "vec256", "vec512"}}},
           .samples = "cost",
           .run = run_alu_hot});
  reg.add({.name = "smt_sibling_spin",
           .family = "alu",
           .summary = "pairs spin(1024) meant for SMT siblings (smt_sibling_pair affinity); warns "
                      "when the pair is not on siblings",
           .samples = "cost",
           .group_size = [](const ParamValues&) -> size_t { return 2; },
           .shared_bytes = [](const ParamValues&) -> size_t { return 8; },
           .needs = {"smt"},
           .run = run_smt_sibling_spin});
  reg.add({.name = "ipc_variance",
           .family = "alu",
           .summary = "alternates ALU-bound and cache-miss-bound (pointer chase) phases",
           .params = {{"hot_iters", ParamKind::kInt, "100000",
                       "dependent multiply-adds per hot iteration (> 0)", 1},
                      {"cold_iters", ParamKind::kInt, "1024",
                       "dependent cache-missing loads per cold iteration (> 0)", 1},
                      {"period_iters", ParamKind::kInt, "64",
                       "iterations per phase before switching (> 0)", 1},
                      {"buffer_mib", ParamKind::kInt, "0",
                       "pointer-chase buffer (0: twice the LLC, within 16..128 MiB)", 0, 4096}},
           .samples = "cost",
           .run = run_ipc_variance});
  reg.add(make_sequence_work_type());
}

}  // namespace ktstr::workload
