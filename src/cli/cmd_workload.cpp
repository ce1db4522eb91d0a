// `ktstr workload`: one workload on the host, no cgroups; per-worker table
// and summary, or JSON {"reports": [...], "summary": {...}}.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/vm_flags.hpp"
#include "report/workload_text.hpp"
#include "scenario/workload_run.hpp"
#include "util/duration.hpp"

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

int run_workload(const WorkloadOptions& o) {
  if (o.vm.vm) return run_in_vm_and_print(o.vm);
  auto duration = parse_duration_ns(o.duration);
  if (!duration) return report_error(with_context(duration.error(), "--duration"));
  auto config = build_config(o);
  if (!config) return report_error(config.error());
  scenario::WorkloadProgress progress;
  if (decorations_allowed(STDERR_FILENO)) {
    progress = [&](uint64_t elapsed_ns, uint64_t iters) {
      fmt::print(stderr, "\r{} x{}: {:.1f}/{:.1f}s, {} iterations", o.type, o.workers,
                 static_cast<double>(elapsed_ns) / 1e9, static_cast<double>(*duration) / 1e9,
                 iters);
    };
  }
  auto run = scenario::run_workload_for({std::move(config->group)}, config->spawn, *duration, progress);
  if (!run) return report_error(run.error());
  if (progress) fmt::print(stderr, "\r\033[K");
  const bool finished = !run->interrupted;
  if (!finished) fmt::print(stderr, "ktstr: interrupted; collecting what the workers measured\n");
  const auto& summary = run->summary;
  if (o.json) {
    nlohmann::json j = {{"reports", run->reports}, {"summary", summary}};
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("{}", report::render_workload_text(run->reports, summary, o.type));
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
