// `ktstr workload`: one workload on the host, no cgroups; per-worker table
// and summary, or JSON {"reports": [...], "summary": {...}}.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/interrupt.hpp"
#include "cli/vm_flags.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "workload/handle.hpp"
#include "workload/summary.hpp"

namespace ktstr::cli {
namespace {

struct WorkloadOptions {
  std::string type = "spin_wait";
  size_t workers = 1;
  std::string clone_mode = "fork";
  std::vector<std::string> params;
  std::string duration = "5s";
  std::string policy;
  std::optional<int> nice;
  std::string affinity;
  bool json = false;
  VmFlags vm;
};

// The flags as one validated work group (workload::validate_work_spec does
// every field rule; here only the flags' own syntax is parsed).
struct CliWorkload {
  workload::ValidSpec group;
  workload::SpawnOptions spawn;
};

Result<CliWorkload> build_config(const WorkloadOptions& o) {
  workload::WorkSpec spec;
  spec.work.name = o.type;
  spec.num_workers = o.workers;
  auto mode = workload::parse_clone_mode(o.clone_mode);
  if (!mode) return unexpected(with_context(mode.error(), "--clone-mode"));
  for (const auto& kv : o.params) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid_input(fmt::format("'{}' is not key=value (e.g. --param spin_iters=0)", kv),
                           "--param");
    }
    spec.work.params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!o.policy.empty()) {
    auto p = workload::parse_sched_policy(o.policy);
    if (!p) return unexpected(with_context(p.error(), "--policy"));
    spec.sched_policy = *p;
  }
  spec.nice = o.nice;
  if (!o.affinity.empty()) {
    auto cpus = parse_cpu_list(o.affinity);
    if (!cpus) return unexpected(with_context(cpus.error(), "--affinity"));
    spec.affinity.kind = workload::AffinityIntent::Kind::kExact;
    spec.affinity.cpus = *cpus;
  }
  workload::SpecContext ctx;
  ctx.source = workload::SpecSource::kCli;
  ctx.clone_mode = *mode;
  ctx.label = fmt::format("group 0 ({})", o.type);
  auto group = workload::validate_work_spec(spec, ctx);
  if (!group) return unexpected(group.error());
  return CliWorkload{std::move(*group), {*mode, ""}};
}

void print_text(const std::vector<workload::WorkerReport>& reports,
                const workload::WorkloadSummary& s, const std::string& type) {
  fmt::print("{:>3} {:>7} {:>5} {:>12} {:>10} {:>8} {:>6} {:>9} {:>10} {:>10} {}\n", "#", "tid",
             "grp", "work_units", "iters", "off-cpu%", "migr", "maxgap_ms", "wake_p50us",
             "wake_p99us", "status");
  for (const auto& r : reports) {
    double off = r.wall_time_ns ? 100.0 * static_cast<double>(r.off_cpu_ns) /
                                      static_cast<double>(r.wall_time_ns)
                                : 0;
    auto wake = r.wake_latencies_ns;
    std::sort(wake.begin(), wake.end());
    auto pct = [&](double p) {
      if (wake.empty()) return std::string("-");
      size_t rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(wake.size())));
      return fmt::format("{:.1f}", static_cast<double>(wake[std::max<size_t>(rank, 1) - 1]) / 1e3);
    };
    std::string status = r.completed ? "ok" : to_string(*r.exit_info);
    if (!r.affinity_error.empty()) status += " [affinity: " + r.affinity_error + "]";
    for (const auto& w : r.warnings) status += " [" + w + "]";
    fmt::print("{:>3} {:>7} {:>5} {:>12} {:>10} {:>8.1f} {:>6} {:>9.2f} {:>10} {:>10} {}\n",
               r.worker_index, r.tid, r.group_idx, r.work_units, r.iterations, off,
               r.migration_count, r.max_gap_ms, pct(50), pct(99), status);
  }
  fmt::print("\n{}: {}/{} workers completed, {:.3g} work units/s, {} iterations\n", type,
             s.completed, s.workers, s.work_units_per_sec, s.iterations);
  if (s.wake_samples > 0) {
    fmt::print("wake latency: p50 {:.1f}us  p99 {:.1f}us  max {:.1f}us  ({} samples)\n",
               static_cast<double>(s.wake_p50_ns) / 1e3, static_cast<double>(s.wake_p99_ns) / 1e3,
               static_cast<double>(s.wake_max_ns) / 1e3, s.wake_samples);
  }
  fmt::print("migrations: {}  max gap: {:.2f}ms on cpu {}  mean off-cpu: {:.1f}%\n", s.migrations,
             s.max_gap_ms, s.max_gap_cpu, s.mean_off_cpu_pct);
}

int run_workload(const WorkloadOptions& o) {
  if (o.vm.vm) return run_in_vm_and_print(o.vm);
  auto duration = parse_duration_ns(o.duration);
  if (!duration) return report_error(with_context(duration.error(), "--duration"));
  auto config = build_config(o);
  if (!config) return report_error(config.error());
  install_interrupt_handlers();
  auto handle = workload::WorkloadHandle::spawn_groups({std::move(config->group)}, config->spawn);
  if (!handle) return report_error(handle.error());
  handle->start();
  const bool progress = decorations_allowed(STDERR_FILENO);
  const uint64_t start = mono_ns();
  bool finished = true;
  while (mono_ns() - start < *duration) {
    if (!sleep_unless_interrupted(
            std::min<uint64_t>(*duration - (mono_ns() - start), 250'000'000))) {
      finished = false;
      break;
    }
    if (progress) {
      uint64_t iters = 0;
      for (auto v : handle->snapshot_iterations()) iters += v;
      fmt::print(stderr, "\r{} x{}: {:.1f}/{:.1f}s, {} iterations", o.type, o.workers,
                 static_cast<double>(mono_ns() - start) / 1e9, static_cast<double>(*duration) / 1e9,
                 iters);
    }
  }
  if (progress) fmt::print(stderr, "\r\033[K");
  if (!finished) fmt::print(stderr, "ktstr: interrupted; collecting what the workers measured\n");
  auto reports = handle->stop_and_collect();
  auto summary = workload::summarize(reports);
  if (o.json) {
    nlohmann::json j = {{"reports", reports}, {"summary", summary}};
    fmt::print("{}\n", j.dump());
  } else {
    print_text(reports, summary, o.type);
  }
  if (!finished) return kExitInterrupted;
  return summary.completed == summary.workers ? kExitPass : kExitFail;
}

void setup(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<WorkloadOptions>();
  auto* cmd = app.add_subcommand("workload", "Run one workload on the host (no cgroups)");
  cmd->footer("Example: ktstr workload --type futex_ping_pong --workers 4 --duration 2s --json");
  cmd->add_option("--type", o->type, "Work type (see `ktstr list work-types`)");
  cmd->add_option("--workers", o->workers, "Number of workers");
  cmd->add_option("--clone-mode", o->clone_mode, "fork (process per worker) or thread");
  cmd->add_option("--param", o->params, "Work-type parameter key=value (repeatable)");
  cmd->add_option("--duration", o->duration, "How long to run, e.g. 500ms, 5s");
  cmd->add_option("--policy", o->policy, "normal|batch|idle|fifo:P|rr:P|deadline:R:D:P");
  cmd->add_option("--nice", o->nice, "Nice value for every worker");
  cmd->add_option("--affinity", o->affinity, "CPU list every worker is pinned to, e.g. 0-1");
  cmd->add_flag("--json", o->json, "Print {\"reports\": [...], \"summary\": {...}}");
  add_vm_flags(cmd, o->vm);
  cmd->callback([o, &chosen] { chosen = [o] { return run_workload(*o); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("workload", setup);

}  // namespace ktstr::cli
