// `ktstr workload`: one workload on the host, no cgroups; per-worker table
// and summary, or JSON {"reports": [...], "summary": {...}}.
#include <unistd.h>

#include "cli/command.hpp"
#include "cli/option_rules.hpp"
#include "cli/vm_flags.hpp"
#include "report/workload_text.hpp"
#include "scenario/preflight.hpp"
#include "scenario/workload_run.hpp"
#include "workload/flags.hpp"

namespace ktstr::cli {
namespace {

struct WorkloadOptions {
  workload::WorkloadFlags work;  // the CLI11 option storage
  bool json = false;
  VmFlags vm;
};

int run_workload(const WorkloadOptions& o) {
  if (o.vm.vm) return run_in_vm_and_print(o.vm);
  auto machine = scenario::host_machine_shape();
  if (!machine) return report_error(machine.error());
  auto config = workload::spec_from_flags(o.work, &*machine);
  if (!config) return report_error(config.error());
  scenario::WorkloadProgress progress;
  if (decorations_allowed(STDERR_FILENO)) {
    progress = [&o, total_ns = config->duration_ns](uint64_t elapsed_ns, uint64_t iters) {
      fmt::print(stderr, "\r{} x{}: {:.1f}/{:.1f}s, {} iterations", o.work.type, o.work.workers,
                 static_cast<double>(elapsed_ns) / 1e9, static_cast<double>(total_ns) / 1e9, iters);
    };
  }
  auto run = scenario::run_workload_for({std::move(config->group)}, config->spawn,
                                        config->duration_ns, progress);
  if (!run) return report_error(run.error());
  if (progress) fmt::print(stderr, "\r\033[K");
  if (run->interrupted) {
    fmt::print(stderr, "ktstr: interrupted; collecting what the workers measured\n");
  }
  fmt::print("{}", report::render_workload_output(*run, o.work.type, o.json));
  return scenario::workload_exit_code(*run);
}

void setup(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<WorkloadOptions>();
  auto* cmd = app.add_subcommand("workload", "Run one workload on the host (no cgroups)");
  cmd->footer("Example: ktstr workload --type futex_ping_pong --workers 4 --duration 2s --json");
  cmd->add_option("--type", o->work.type, "Work type (see `ktstr list work-types`)");
  cmd->add_option("--workers", o->work.workers, "Number of workers")
      ->check(int_in(1, workload::kMaxWorkersPerGroup));
  cmd->add_option("--clone-mode", o->work.clone_mode, "fork (process per worker) or thread");
  repeatable(
      cmd->add_option("--param", o->work.params, "Work-type parameter key=value (repeatable)"));
  cmd->add_option("--duration", o->work.duration, "How long to run, e.g. 500ms, 5s");
  cmd->add_option("--policy", o->work.policy, "normal|batch|idle|fifo:P|rr:P|deadline:R:D:P");
  cmd->add_option("--nice", o->work.nice, "Nice value for every worker")->check(int_in(-20, 19));
  cmd->add_option("--affinity", o->work.affinity, "CPU list every worker is pinned to, e.g. 0-1");
  cmd->add_option("--allow-device", o->work.allow_devices,
                  "Block device that I/O work types may overwrite (param device=; repeatable)");
  cmd->add_flag("--json", o->json, "Print {\"reports\": [...], \"summary\": {...}}");
  add_vm_flags(cmd, o->vm);
  cmd->callback([o, &chosen] { chosen = [o] { return run_workload(*o); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("workload", setup);

}  // namespace ktstr::cli
