// `ktstr gauntlet --list`: the job matrix as text and JSON.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "gauntlet/boot_model.hpp"
#include "gauntlet/plan.hpp"

namespace ktstr::gauntlet {
namespace {

std::string human_ms(uint64_t ms) {
  if (ms < 60000) return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
  const uint64_t s = (ms + 500) / 1000;
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
}

std::string plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

size_t count_distinct(const std::vector<Job>& jobs, std::string Job::*field) {
  std::vector<std::string> v;
  for (const auto& j : jobs) v.push_back(j.*field);
  std::sort(v.begin(), v.end());
  return static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
}

std::string header(const GauntletPlan& p) {
  const auto& jobs = p.matrix.jobs;
  std::string out = fmt::format(
      "gauntlet: {} x {} x {} x {} = {}, {} skipped\n", plural(p.scenario_count, "scenario"),
      plural(p.preset_count, "preset"), plural(count_distinct(jobs, &Job::scheduler), "scheduler"),
      plural(count_distinct(jobs, &Job::kernel), "kernel"), plural(jobs.size(), "job"),
      plural(p.matrix.skipped.size(), "cell"));
  if (p.budget) {
    out += fmt::format("budget {}: {} of {} jobs (estimated {}), ", human_ms(p.budget_ms),
                       p.budget->picked.size(), jobs.size(), human_ms(p.budget->estimate_ms));
    if (p.budget->uncovered.empty()) {
      out += "every scenario, preset, scheduler and kernel at least once\n";
    } else {
      out += fmt::format("{} not covered (raise --budget): ", p.budget->uncovered.size());
      for (size_t i = 0; i < p.budget->uncovered.size(); ++i) {
        out += (i ? ", " : "") + p.budget->uncovered[i];
      }
      out += "\n";
    }
  }
  if (p.shard.total > 1) {
    out += fmt::format("shard {} (from {}): {}\n", p.shard.label(), p.shard.source,
                       plural(p.mine.size(), "job"));
  }
  return out;
}

// What every shard of one gauntlet command shares: the jobs left after
// --budget (before sharding) and a fingerprint of their ids, so `ktstr
// merge` can refuse shards of different job lists.
nlohmann::json matrix_json(const GauntletPlan& p) {
  std::string ids;
  size_t count = 0;
  auto add = [&](size_t i) {
    ids += p.matrix.jobs[i].id() + "\n";
    ++count;
  };
  if (p.budget) {
    for (size_t i : p.budget->picked) add(i);
  } else {
    for (size_t i = 0; i < p.matrix.jobs.size(); ++i) add(i);
  }
  return {{"jobs", count},
          {"fingerprint", fmt::format("{:016x}", seeded_hash(ids, 0))},
          {"axes",
           {{"scenarios", p.axes.scenarios},
            {"presets", p.axes.presets},
            {"schedulers", p.axes.schedulers},
            {"kernels", p.axes.kernels}}}};
}

}  // namespace

std::string render_plan_text(const GauntletPlan& p) {
  std::string out = header(p) + "\n";
  size_t ws = 8, wp = 6, wk = 9;
  for (size_t i : p.mine) {
    const auto& j = p.matrix.jobs[i];
    ws = std::max(ws, j.scenario.size());
    wp = std::max(wp, j.preset.size());
    wk = std::max(wk, j.scheduler.size());
  }
  out += fmt::format("{:>5}  {:<{}}  {:<{}}  {:<{}}  {:<10}  {:>4}  {:>9}\n", "#", "SCENARIO", ws,
                     "PRESET", wp, "SCHEDULER", wk, "KERNEL", "CPUS", "EST");
  for (size_t i : p.mine) {
    const auto& j = p.matrix.jobs[i];
    out += fmt::format("{:>5}  {:<{}}  {:<{}}  {:<{}}  {:<10}  {:>4}  {:>9}\n", i + 1, j.scenario,
                       ws, j.preset, wp, j.scheduler, wk, j.kernel, j.cpus,
                       human_ms(shown_estimate_ms(p, i)));
  }
  if (!p.matrix.skipped.empty()) {
    out += "\nskipped (the preset cannot meet the scenario's requirements):\n";
    for (const auto& s : p.matrix.skipped) {
      out += fmt::format("  {} on {}: {}\n", s.scenario, s.preset, s.reason);
    }
  }
  out += fmt::format("\ntotal: {}, estimated {} one after another\n", plural(p.mine.size(), "job"),
                     human_ms(shown_total_ms(p)));
  out += p.measured_samples ? fmt::format("(from a boot-time model measured on this host: {})\n",
                                          plural(p.measured_samples, "finished job"))
                            : "(estimated, not yet measured on this host)\n";
  return out;
}

nlohmann::json plan_json(const GauntletPlan& p) {
  auto jobs = nlohmann::json::array();
  for (size_t i : p.mine) {
    const auto& j = p.matrix.jobs[i];
    jobs.push_back({{"index", i},
                    {"id", j.id()},
                    {"scenario", j.scenario},
                    {"target", j.target},
                    {"preset", j.preset},
                    {"scheduler", j.scheduler},
                    {"kernel", j.kernel},
                    {"cpus", j.cpus},
                    {"duration_ms", j.duration_ms},
                    {"estimate_ms", j.estimate_ms}});
    if (p.measured_samples) jobs.back()["host_estimate_ms"] = shown_estimate_ms(p, i);
  }
  auto skipped = nlohmann::json::array();
  for (const auto& s : p.matrix.skipped) {
    skipped.push_back({{"scenario", s.scenario}, {"preset", s.preset}, {"reason", s.reason}});
  }
  nlohmann::json out = {
      {"total_jobs", p.matrix.jobs.size()},
      {"jobs", jobs},
      {"skipped", skipped},
      {"estimate_ms", p.estimate_ms},
      {"shard",
       {{"index", p.shard.index + 1}, {"total", p.shard.total}, {"source", p.shard.source}}}};
  out["matrix"] = matrix_json(p);
  out["host_model"] = {{"measured_samples", p.measured_samples},
                       {"estimate_ms", shown_total_ms(p)}};
  if (p.budget) {
    out["budget"] = {{"budget_ms", p.budget_ms},
                     {"selected", p.budget->picked.size()},
                     {"estimate_ms", p.budget->estimate_ms},
                     {"uncovered", p.budget->uncovered}};
  }
  return out;
}

}  // namespace ktstr::gauntlet
