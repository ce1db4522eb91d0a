// `ktstr run [FILE.toml|NAME]...`: runs scenarios on the host and reports
// (text by default, `--json FILE` per docs/results.md).
#include <unistd.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/interrupt.hpp"
#include "cli/run_options.hpp"
#include "cli/run_output.hpp"
#include "report/outputs.hpp"
#include "scenario/catalogue.hpp"
#include "scenario/engine.hpp"
#include "scenario/requirements.hpp"
#include "sched/sched_ext_sysfs.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/file_io.hpp"

namespace ktstr::cli {
namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<scenario::EngineOptions> engine_options(const RunOptions& o) {
  scenario::EngineOptions e;
  if (!o.duration.empty()) {
    auto ns = parse_duration_ns(o.duration);
    if (!ns) return unexpected(with_context(ns.error(), "--duration"));
    if (*ns == 0) return invalid_input("--duration must be > 0");
    e.duration_ns = *ns;
  }
  if (o.workers && *o.workers == 0) return invalid_input("--workers must be >= 1");
  e.workers = o.workers;
  for (const auto& kv : o.checks) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      return invalid_input(fmt::format("'{}' is not NAME=VALUE (e.g. --check max_gap_ms=500)", kv),
                           "--check");
    }
    auto st = e.cli_checks.set_text(kv.substr(0, eq), kv.substr(eq + 1));
    if (!st) return unexpected(with_context(st.error(), "--check"));
  }
  e.keep_reports = o.keep_reports();
  e.seed = o.seed;
  e.hooks.interrupted = [] { return interrupted(); };
  // With a sched_ext scheduler attached at the start (the VM guest case),
  // scheduler_alive follows it: it must stay enabled with the same ops and
  // the same enable_seq (a silent restart changes it).
  auto scx = sched::read_sched_ext_state();
  if (scx.enabled()) {
    e.hooks.health = [scx] {
      auto now = sched::read_sched_ext_state();
      sched::SchedulerHealth h;
      h.name = scx.ops;
      h.sched_ext = true;
      h.attached = now.enabled() && now.ops == scx.ops && now.enable_seq == scx.enable_seq;
      h.alive = h.attached;
      if (!h.attached) {
        h.exit_reason = fmt::format("sched_ext state '{}', ops '{}', enable_seq {} -> {}",
                                    now.state, now.ops, scx.enable_seq, now.enable_seq);
      }
      return h;
    };
  }
  return e;
}

// Scenarios with cgroups cannot run without a usable cgroup tree: say how
// to fix it up front instead of skipping everything.
Status check_environment(const std::vector<scenario::Scenario>& selected) {
  bool needs = false;
  for (const auto& s : selected) {
    for (const auto& r : scenario::implied_requirements(s)) {
      needs = needs || r.kind == scenario::Requirement::Kind::kCgroups;
    }
  }
  if (!needs) return {};
  auto topo = topo::Topology::from_sysfs();
  if (!topo) return unexpected(topo.error());
  auto caps = scenario::HostCapabilities::probe(*topo);
  if (caps.cgroup_layout) return {};
  return environment_error("the selected scenarios create cgroups, but " + caps.cgroup_problem);
}

Status write_json(const std::string& path, const scenario::RunResult& run) {
  nlohmann::json j = run;
  const std::string text = j.dump(2) + "\n";
  if (path == "-") {
    fmt::print("{}", text);
    return {};
  }
  return write_file_atomic(path, text);
}

int run(const RunOptions& o) {
  if (o.vm.vm) return run_scenarios_in_vm(o);
  auto eopt = engine_options(o);
  if (!eopt) return report_error(eopt.error());
  auto selected = scenario::select_scenarios(o.targets, o.filter);
  if (!selected) return report_error(selected.error());
  if (selected->empty()) {
    return report_error(
        invalid_input(
            fmt::format("no scenario matches (filter '{}'); `ktstr list scenarios` shows them all",
                        o.filter))
            .value);
  }
  if (o.dry_run) {
    for (const auto& s : *selected) fmt::print("{}\t{}\t{}\n", s.name, s.category, s.source);
    return kExitPass;
  }
  if (auto st = check_environment(*selected); !st) return report_error(st.error());
  install_interrupt_handlers();
  const bool tty = decorations_allowed(STDERR_FILENO);
  scenario::RunResult run;
  run.ktstr_version = "0.1.0";
  run.started_at = utc_now();
  run.host = probe_host_info();
  const uint64_t t0 = mono_ns();
  const size_t total = selected->size() * o.repeat;
  size_t index = 0;
  bool stop = false;
  for (const auto& s : *selected) {
    for (size_t rep = 0; rep < o.repeat && !stop; ++rep) {
      ++index;
      auto opts = *eopt;
      opts.repeat = rep;
      opts.run_tag = fmt::format("r{}", index);
      if (tty) {
        opts.hooks.progress = [index, total](const scenario::Progress& p) {
          fmt::print(stderr, "\r\033[K{}", render_progress(p, index, total));
          std::fflush(stderr);
        };
      }
      auto r = scenario::run_scenario(s, opts);
      fmt::print(stderr, "{}{}\n", tty ? "\r\033[K" : "", render_done_line(r, index, total));
      const bool failed = r.verdict == check::Verdict::kFail;
      run.interrupted = run.interrupted || r.interrupted || interrupted();
      run.scenarios.push_back(std::move(r));
      stop = run.interrupted || (failed && !o.keep_going);
    }
    if (stop) break;
  }
  run.duration_ms = static_cast<double>(mono_ns() - t0) / 1e6;
  for (const auto& r : run.scenarios) run.verdict = check::worst(run.verdict, r.verdict);
  run.exit_code = run_exit_code(run, o.strict);
  if (stop && !run.interrupted && index < total) {
    fmt::print(stderr,
               "stopped after the first failure ({} of {} not run; --keep-going runs "
               "them all)\n",
               total - index, total);
  }
  if (auto st = report::write_outputs(run, o.outputs); !st) return report_error(st.error());
  if (!o.raw) {
    for (auto& r : run.scenarios) r.reports.reset();
  }
  if (!o.json.empty()) {
    if (auto st = write_json(o.json, run); !st) return report_error(st.error());
  }
  if (o.json != "-") fmt::print("{}", render_run_text(run));
  return run.exit_code;
}

void setup(CLI::App& app, Action& chosen) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run",
                                 "Run scenarios (files or catalogue names; none = the "
                                 "default set) on this machine");
  cmd->footer(
      "Examples:\n"
      "  sudo ktstr run                          # the default set\n"
      "  sudo ktstr run steady cgroup_cpuset_swap_midrun --duration 5s\n"
      "  sudo ktstr run my_test.toml --json result.json --check max_gap_ms=500\n"
      "  sudo ktstr run --filter 'cgroup_*' --keep-going --repeat 3\n"
      "  ktstr run steady --vm --topology 1n2l4c1t --kernel sched-ext --scheduler scx_simple\n"
      "Exit codes: 0 pass (skips allowed unless --strict), 1 a check failed, 2 invalid input,\n"
      "3 environment (not root, no cgroup controller; with --strict also any skip),\n"
      "4 inconclusive, 130 interrupted (after cleanup).");
  cmd->add_option("scenarios", o->targets, "Scenario files (.toml) or catalogue names/globs");
  cmd->add_option("--duration", o->duration, "Override every scenario's duration (e.g. 5s)");
  cmd->add_option("--workers", o->workers, "Worker count for every work group");
  cmd->add_option("--filter", o->filter, "Keep scenarios whose name contains this (or glob)");
  cmd->add_option("--repeat", o->repeat, "Run each scenario N times")->check(CLI::Range(1, 1000));
  cmd->add_option("--json", o->json, "Write the result document here ('-' = stdout)");
  cmd->add_option("--check", o->checks, "Override a check: NAME=VALUE|true|false (repeatable)");
  cmd->add_option("--seed", o->seed, "Seed for random affinity (default: from the name)");
  cmd->add_flag("--raw", o->raw, "Keep every worker report in the JSON");
  cmd->add_flag("--keep-going", o->keep_going, "Run the remaining scenarios after a failure");
  cmd->add_flag("--strict", o->strict, "Treat skipped scenarios as an error (exit 3)");
  cmd->add_flag("--dry-run", o->dry_run, "List the selected scenarios and exit");
  cmd->add_option("--junit", o->outputs.junit_path, "Write JUnit XML here (docs/reports.md)");
  cmd->add_option("--html", o->outputs.html_path, "Write the self-contained HTML report here");
  cmd->add_option("--trace", o->outputs.trace_path,
                  "Write a Perfetto/Chrome trace here (open in ui.perfetto.dev)");
  add_vm_flags(cmd, o->vm);
  cmd->callback([o, &chosen] { chosen = [o] { return run(*o); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("run", setup);

}  // namespace ktstr::cli
