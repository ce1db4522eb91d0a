#include "gauntlet/run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "scenario/run_flags.hpp"
#include "util/exit_codes.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::gauntlet {
namespace {

std::string verdict_for(int code) {
  switch (code) {
    case kExitPass:
      return "pass";
    case kExitFail:
      return "fail";
    case kExitInvalid:
      return "invalid";
    case kExitEnvironment:
      return "error";
    case kExitInconclusive:
      return "inconclusive";
    case kExitInterrupted:
      return "interrupted";
    default:
      return "fail";
  }
}

// The guest's verdict where the exit code cannot tell: flaky from
// inconclusive (both 4), a skipped scenario from a pass (both 0).
std::string refined_verdict(int code, const nlohmann::json& guest_doc) {
  const std::string v = guest_doc.value("verdict", "");
  if ((v == "flaky" && code == kExitInconclusive) || (v == "skip" && code == kExitPass)) return v;
  return verdict_for(code);
}

// Lower is worse: fail, invalid, environment, inconclusive, pass.
int severity(int code) {
  switch (code) {
    case kExitPass:
      return 4;
    case kExitInconclusive:
      return 3;
    case kExitEnvironment:
      return 2;
    case kExitInvalid:
      return 1;
    default:
      return 0;
  }
}

JobOutcome run_job(const Job& j, const std::string& duration) {
  JobOutcome out;
  vm::VmFlags flags;
  flags.kernel = j.kernel;
  flags.topology = j.preset;
  flags.scheduler = j.scheduler;
  scenario::RunFlags run;
  run.targets = {j.target};
  run.engine.duration = duration;
  auto req = scenario::vm_run_request(flags, run, false);
  if (!req) {
    out.exit_code = exit_code_for(req.error().kind);
    out.reason = req.error().describe();
    out.verdict = verdict_for(out.exit_code);
    return out;
  }
  auto r = vm::run_in_vm(*req);
  if (!r) {
    out.exit_code = exit_code_for(r.error().kind);
    out.reason = r.error().describe();
  } else if (!r->output.is_object() || !r->output.contains("scenarios")) {
    auto o = vm::vm_outcome(*r);
    out.exit_code = o.exit_code;
    out.reason = r->reason;
  } else {
    auto g = vm::guest_run_document(*r);
    out.exit_code = g.exit_code;
    if (g.exit_code != kExitPass) out.reason = g.text.empty() ? r->reason : g.text;
    out.verdict = refined_verdict(out.exit_code, g.doc);
  }
  if (out.verdict.empty()) out.verdict = verdict_for(out.exit_code);
  while (!out.reason.empty() && out.reason.back() == '\n') out.reason.pop_back();
  return out;
}

std::string human_ms(uint64_t ms) {
  const uint64_t s = (ms + 500) / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace

GauntletRun run_plan(const GauntletPlan& plan, const std::string& duration,
                     const ProgressFn& progress) {
  GauntletRun run;
  Progress p;
  p.total = plan.mine.size();
  uint64_t left_est = plan.estimate_ms, done_est = 0;
  double done_wall = 0;
  for (size_t i : plan.mine) {
    const Job& j = plan.matrix.jobs[i];
    const double scale = done_est ? done_wall / static_cast<double>(done_est) : 1.0;
    p.running = &j;
    p.eta_ms = static_cast<uint64_t>(static_cast<double>(left_est) * scale);
    if (progress) progress(p);
    const auto t0 = std::chrono::steady_clock::now();
    JobOutcome o = run_job(j, duration);
    o.job = i;
    o.wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    done_wall += o.wall_ms;
    done_est += j.estimate_ms;
    left_est -= j.estimate_ms;
    ++p.done;
    if (o.exit_code != kExitPass) ++p.failed;
    run.interrupted = o.exit_code == kExitInterrupted;
    run.outcomes.push_back(std::move(o));
    if (run.interrupted) break;
  }
  p.running = nullptr;
  p.eta_ms = 0;
  if (progress) progress(p);
  run.exit_code = kExitPass;
  for (const auto& o : run.outcomes) {
    if (severity(o.exit_code) < severity(run.exit_code)) run.exit_code = o.exit_code;
  }
  if (run.interrupted) run.exit_code = kExitInterrupted;
  return run;
}

std::string render_progress(const Progress& p) {
  std::string line = fmt::format("[{}/{}] {} done, {} failed", p.done + (p.running ? 1 : 0),
                                 p.total, p.done, p.failed);
  if (p.running) {
    line += fmt::format(", running {}, ETA {}", p.running->id(), human_ms(p.eta_ms));
  }
  return line;
}

std::string render_run_text(const GauntletPlan& plan, const GauntletRun& run) {
  std::string out;
  size_t passed = 0;
  for (const auto& o : run.outcomes) {
    const Job& j = plan.matrix.jobs[o.job];
    out += fmt::format("{:>5}  {:<12}  {:>7}  {}\n", o.job + 1, o.verdict,
                       human_ms(static_cast<uint64_t>(o.wall_ms)), j.id());
    if (!o.reason.empty()) out += fmt::format("       {}\n", o.reason);
    passed += o.exit_code == kExitPass ? 1 : 0;
  }
  out +=
      fmt::format("gauntlet: {} of {} jobs passed, {} not passed, {} not run{}\n", passed,
                  plan.mine.size(), run.outcomes.size() - passed,
                  plan.mine.size() - run.outcomes.size(), run.interrupted ? " (interrupted)" : "");
  return out;
}

nlohmann::json run_json(const GauntletPlan& plan, const GauntletRun& run) {
  nlohmann::json doc = plan_json(plan);
  auto results = nlohmann::json::array();
  for (const auto& o : run.outcomes) {
    results.push_back({{"index", o.job},
                       {"id", plan.matrix.jobs[o.job].id()},
                       {"verdict", o.verdict},
                       {"exit_code", o.exit_code},
                       {"reason", o.reason},
                       {"wall_ms", o.wall_ms}});
  }
  doc["results"] = results;
  doc["exit_code"] = run.exit_code;
  doc["interrupted"] = run.interrupted;
  return doc;
}

}  // namespace ktstr::gauntlet
