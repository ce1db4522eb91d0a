// `ktstr gauntlet`: every selected scenario on every preset, scheduler and
// kernel. `--list` prints this shard's jobs with their estimated time;
// otherwise they run in VMs, --jobs at once, with one progress line.
#include <sys/ioctl.h>
#include <unistd.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/option_rules.hpp"
#include "gauntlet/host_model.hpp"
#include "gauntlet/pack.hpp"
#include "gauntlet/rerun.hpp"
#include "gauntlet/run.hpp"
#include "report/matrix.hpp"

namespace ktstr::cli {
namespace {

struct GauntletCli {
  gauntlet::GauntletOptions o;
  int shard_total = 0;  // 0: not given
  bool list = false;
  bool json = false;
  std::string jobs = "1";
  std::string rerun_failed;  // a previous result document
};

void print_progress(const gauntlet::Progress& p) {
  static const bool tty = decorations_allowed(STDERR_FILENO);
  std::string line = gauntlet::render_progress(p);
  if (tty) {
    // One terminal line: a wrapped one could not be redrawn in place.
    winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && line.size() >= ws.ws_col) {
      line.resize(ws.ws_col - 1u);
    }
    fmt::print(stderr, "\r\033[K{}{}", line, p.final ? "\n" : "");
  } else {
    fmt::print(stderr, "ktstr: {}\n", line);
  }
}

// --rerun-failed: the jobs of the document that did not pass, with the
// --duration they ran with; nullopt (after saying so) when there are none.
Result<std::optional<gauntlet::GauntletPlan>> rerun_plan(GauntletCli& c) {
  auto r = gauntlet::plan_rerun(c.rerun_failed, c.o, gauntlet::process_env());
  if (!r) return unexpected(r.error());
  fmt::print(stderr, "ktstr: {}\n", gauntlet::render_rerun_line(*r));
  c.o.duration = r->selection.options.duration;
  if (r->selection.ids.empty()) return std::optional<gauntlet::GauntletPlan>();
  return std::optional<gauntlet::GauntletPlan>(std::move(r->plan));
}

int run_gauntlet(GauntletCli& c) {
  if (c.shard_total > 0) c.o.shard_total = c.shard_total;
  Result<gauntlet::GauntletPlan> plan = gauntlet::GauntletPlan{};
  if (c.rerun_failed.empty()) {
    plan = gauntlet::plan_gauntlet(c.o, gauntlet::process_env());
  } else if (auto rerun = rerun_plan(c); !rerun) {
    return report_error(rerun.error());
  } else if (!*rerun) {
    return kExitPass;
  } else {
    plan = std::move(**rerun);
  }
  if (!plan) return report_error(plan.error());
  auto jobs = gauntlet::parse_jobs_flag(c.jobs);
  if (!jobs) return report_error(jobs.error());
  const auto host = gauntlet::load_host_boot_model();
  if (!host.warning.empty()) fmt::print(stderr, "ktstr: warning: {}\n", host.warning);
  gauntlet::apply_host_boot_model(*plan, host);
  if (c.list) {
    if (c.json) {
      fmt::print("{}\n", gauntlet::plan_json(*plan).dump(2));
    } else {
      fmt::print("{}", gauntlet::render_plan_text(*plan));
    }
    return kExitPass;
  }
  gauntlet::RunOptions ro;
  ro.duration = c.o.duration;
  ro.max_jobs = *jobs;
  ro.kvm = host.accel == "kvm";
  ro.progress = print_progress;
  ro.tick_ms = decorations_allowed(STDERR_FILENO) ? 1000 : 0;
  ro.finished = [&host](const gauntlet::Job& j, const gauntlet::JobOutcome& o) {
    if (auto st = gauntlet::record_job(host, j, o); !st) {
      fmt::print(stderr, "ktstr: warning: boot-model cache not updated: {}\n",
                 st.error().describe());
    }
  };
  auto run = gauntlet::run_plan(*plan, ro);
  if (c.json) {
    fmt::print("{}\n", gauntlet::run_json(*plan, run).dump(2));
  } else {
    fmt::print("{}", gauntlet::render_run_text(*plan, run));
    if (auto m = report::build_matrix(gauntlet::run_json(*plan, run), "gauntlet")) {
      fmt::print("\n{}", report::render_matrix_text(*m));
    }
  }
  return run.exit_code;
}

void setup(CLI::App& app, Action& chosen) {
  auto c = std::make_shared<GauntletCli>();
  auto* cmd = app.add_subcommand(
      "gauntlet", "Every scenario across topology presets, schedulers and kernels (VM jobs)");
  cmd->footer(
      "Examples:\n"
      "  ktstr gauntlet --presets all --list\n"
      "  ktstr gauntlet steady 'cgroup_*' --presets 4cpu-1llc-nosmt,16cpu-4llc-2n-smt \\\n"
      "      --scheduler eevdf --scheduler scx_simple --kernel sched-ext --list\n"
      "  ktstr gauntlet --budget 10m --shard 2/4 --list --json\n"
      "  ktstr gauntlet --rerun-failed all.json --json > rerun.json\n"
      "Shards come from --shard i/n or the environment (Kubernetes, GitLab, Slurm, Buildkite);\n"
      "see docs/gauntlet.md. Exit codes: 0 all passed (or listed), 1 a job failed, 2 invalid\n"
      "input, 3 environment, 4 inconclusive, 130 interrupted.");
  auto& o = c->o;
  cmd->add_option("scenarios", o.scenarios,
                  "Scenario files or catalogue names/globs (none = the default set)");
  cmd->add_option("--filter", o.filter, "Keep scenarios whose name contains this (or glob)");
  cmd->add_option("--presets", o.presets, "Comma-separated preset names, or all")
      ->capture_default_str();
  repeatable(
      cmd->add_option("--scheduler", o.schedulers, "A scheduler to run every job under (repeat)"));
  repeatable(cmd->add_option("--kernel", o.kernels, "A kernel to run every job on (repeat)"));
  cmd->add_option("--duration", o.duration, "Override every scenario's duration (e.g. 5s)");
  cmd->add_option("--budget", o.budget,
                  "Pick a covering subset whose estimated time fits (e.g. 10m)");
  cmd->add_option("--seed", o.seed, "Seed of --budget's fill order")->capture_default_str();
  cmd->add_option("--shard", o.shard, "Run part i of n (1-based), e.g. 2/4");
  cmd->add_option("--shard-total", c->shard_total,
                  "Shard count for a Kubernetes Indexed Job (index from JOB_COMPLETION_INDEX)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--jobs", c->jobs,
                  "VMs at once, packed onto the host's CPUs: N or auto (as many as fit)")
      ->capture_default_str();
  cmd->add_option("--rerun-failed", c->rerun_failed,
                  "Rerun the jobs of this gauntlet document (--json or ktstr merge) that did "
                  "not pass");
  cmd->add_flag("--list", c->list, "Print the jobs with estimated times and exit");
  cmd->add_flag("--json", c->json, "Print JSON instead of text (the list or the results)");
  cmd->callback([c, &chosen] { chosen = [c] { return run_gauntlet(*c); }; });
}

}  // namespace

KTSTR_CLI_COMMAND("gauntlet", setup);

}  // namespace ktstr::cli
