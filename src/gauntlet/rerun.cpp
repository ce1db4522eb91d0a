#include "gauntlet/rerun.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "util/duration.hpp"
#include "util/input_file.hpp"

namespace ktstr::gauntlet {
namespace {

using nlohmann::json;

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// Not a pass and not a skip: the same rule as the matrix report's list of
// cells that did not pass (report/matrix.hpp needs_rerun).
bool worth_rerunning(const std::string& verdict) {
  return verdict != "pass" && verdict != "skip";
}

// The values of `key` that `jobs` use, in the document's order:
// matrix.axes when it has them, else first appearance in the job list.
std::vector<std::string> ordered(const json& doc, const char* axis, const char* key,
                                 const std::set<std::string>& used) {
  std::vector<std::string> order;
  const json& m = doc["matrix"];
  if (m.is_object() && m.contains("axes") && m["axes"].contains(axis)) {
    order = m["axes"][axis].get<std::vector<std::string>>();
  }
  for (const auto& j : doc["jobs"]) add_unique(order, j.at(key).get<std::string>());
  std::vector<std::string> out;
  for (const auto& v : order) {
    if (used.count(v)) out.push_back(v);
  }
  return out;
}

Result<RerunSelection> select(const json& doc, const std::string& source) {
  RerunSelection sel;
  sel.source = source;
  std::map<size_t, std::string> verdicts;
  for (const auto& r : doc["results"]) {
    verdicts[r.at("index").get<size_t>()] = r.at("verdict").get<std::string>();
  }
  std::set<uint64_t> durations;
  std::set<std::string> targets, presets, schedulers, kernels;
  for (const auto& j : doc["jobs"]) {
    ++sel.jobs;
    sel.duration_ms[j.at("id").get<std::string>()] = j.at("duration_ms").get<uint64_t>();
    auto v = verdicts.find(j.at("index").get<size_t>());
    const std::string verdict = v == verdicts.end() ? "not run" : v->second;
    if (!worth_rerunning(verdict)) continue;
    ++sel.verdicts[verdict];
    sel.ids.push_back(j.at("id").get<std::string>());
    add_unique(sel.options.scenarios, j.value("target", j.at("scenario").get<std::string>()));
    presets.insert(j.at("preset").get<std::string>());
    schedulers.insert(j.at("scheduler").get<std::string>());
    kernels.insert(j.at("kernel").get<std::string>());
    durations.insert(j.at("duration_ms").get<uint64_t>());
  }
  // Jobs nest scenario, preset, scheduler, kernel: the same axis order
  // keeps the reruns in the original job order.
  sel.options.schedulers = ordered(doc, "schedulers", "scheduler", schedulers);
  sel.options.kernels = ordered(doc, "kernels", "kernel", kernels);
  sel.options.presets.clear();
  for (const auto& p : ordered(doc, "presets", "preset", presets)) {
    sel.options.presets += (sel.options.presets.empty() ? "" : ",") + p;
  }
  // One --duration for every job, or each scenario's own: plan_rerun tells
  // which by comparing with the scenarios' own durations.
  if (durations.size() == 1 && *durations.begin() > 0) {
    sel.options.duration = format_duration_ns(*durations.begin() * 1000000);
  }
  return sel;
}

Status refuse_job_flags(const GauntletOptions& o) {
  const std::pair<bool, const char*> given[] = {
      {!o.scenarios.empty(), "SCENARIOS"}, {!o.filter.empty(), "--filter"},
      {o.presets != "all", "--presets"},   {!o.schedulers.empty(), "--scheduler"},
      {!o.kernels.empty(), "--kernel"},    {!o.duration.empty(), "--duration"},
      {!o.budget.empty(), "--budget"}};
  for (const auto& [set, flag] : given) {
    if (set) {
      return invalid_input(
          fmt::format("--rerun-failed takes the jobs from the document; drop {}", flag), flag);
    }
  }
  return {};
}

// Keeps the selected jobs of a plan of their axes' cross product, then
// splits them into this shard's part as plan_gauntlet does.
Status keep_selected(GauntletPlan& plan, const std::vector<std::string>& ids) {
  const std::set<std::string> wanted(ids.begin(), ids.end());
  std::vector<Job> kept;
  for (auto& j : plan.matrix.jobs) {
    if (wanted.count(j.id())) kept.push_back(std::move(j));
  }
  if (kept.size() != wanted.size()) {
    return invalid_input(fmt::format("{} of the {} jobs to rerun are not in the job list of "
                                     "today's scenarios and presets (a scenario changed?)",
                                     wanted.size() - kept.size(), wanted.size()),
                         "--rerun-failed");
  }
  plan.matrix.jobs = std::move(kept);
  plan.matrix.skipped.clear();
  plan.mine.clear();
  plan.estimate_ms = 0;
  const auto parts = partition_jobs(plan.matrix.jobs, plan.shard.total);
  for (size_t k : parts[static_cast<size_t>(plan.shard.index)]) {
    plan.mine.push_back(k);
    plan.estimate_ms += plan.matrix.jobs[k].estimate_ms;
  }
  return {};
}

}  // namespace

Result<RerunSelection> select_reruns(const json& doc, const std::string& source) {
  auto bad = [&source](const char* what) {
    return invalid_input(
        fmt::format("not a gauntlet result ({}); --rerun-failed takes the document of `ktstr "
                    "gauntlet ... --json > FILE` (after a run) or of `ktstr merge`",
                    what),
        source);
  };
  if (!doc.is_object() || !doc.contains("matrix") || !doc.contains("jobs") ||
      !doc["jobs"].is_array()) {
    return bad("no matrix and jobs");
  }
  if (!doc.contains("results") || !doc["results"].is_array()) {
    return bad("no results: a --list document, nothing ran");
  }
  try {
    return select(doc, source);
  } catch (const json::exception& e) {
    return bad(e.what());
  }
}

Result<RerunPlan> plan_rerun(const std::string& path, const GauntletOptions& base,
                             const EnvLookup& env, const CostModel& cost) {
  KTSTR_TRY(refuse_job_flags(base));
  auto text = read_input_file(path, kResultFileMaxBytes, "gauntlet document");
  if (!text) return unexpected(text.error());
  const auto doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return invalid_input("not valid JSON", path);
  auto sel = select_reruns(doc, path);
  if (!sel) return unexpected(sel.error());
  RerunPlan out{std::move(*sel), {}};
  if (out.selection.ids.empty()) return out;
  GauntletOptions o = base;
  o.scenarios = out.selection.options.scenarios;
  o.presets = out.selection.options.presets;
  o.schedulers = out.selection.options.schedulers;
  o.kernels = out.selection.options.kernels;
  // Each scenario's own duration when that reproduces every job; else the
  // one --duration they all ran with.
  auto own = plan_gauntlet(o, env, cost);
  if (!own) return unexpected(own.error());
  bool same = true;
  for (const auto& j : own->matrix.jobs) {
    auto it = out.selection.duration_ms.find(j.id());
    same = same && (it == out.selection.duration_ms.end() || it->second == j.duration_ms);
  }
  o.duration = same ? "" : out.selection.options.duration;
  auto plan = same ? std::move(own) : plan_gauntlet(o, env, cost);
  if (!plan) return unexpected(plan.error());
  KTSTR_TRY(keep_selected(*plan, out.selection.ids));
  out.selection.options = o;
  out.plan = std::move(*plan);
  return out;
}

std::string render_rerun_line(const RerunPlan& r) {
  const auto& s = r.selection;
  if (s.ids.empty()) {
    return fmt::format("nothing to rerun: all {} jobs in {} passed or were skipped", s.jobs,
                       s.source);
  }
  std::string counts;
  for (const auto& [verdict, n] : s.verdicts) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, verdict);
  }
  std::string line =
      fmt::format("rerunning {} of {} jobs from {} ({})", s.ids.size(), s.jobs, s.source, counts);
  if (r.plan.shard.total > 1) {
    line += fmt::format("; shard {}: {} of them", r.plan.shard.label(), r.plan.mine.size());
  }
  return line;
}

}  // namespace ktstr::gauntlet
