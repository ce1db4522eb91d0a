#include "report/compare_ab.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ktstr::report {
namespace {

CompareInput input_of(const std::string& label, const scenario::RunResult& run) {
  return {label, run, std::vector<std::string>(run.scenarios.size())};
}

std::string not_passed(const std::string& side, const scenario::RunResult& run) {
  size_t failed = 0;
  std::vector<std::string> names;
  for (const auto& s : run.scenarios) {
    if (s.verdict == check::Verdict::kPass) continue;
    ++failed;
    if (names.size() < 4) {
      names.push_back(fmt::format("{} round {}: {} ({})", s.name, s.repeat + 1,
                                  check::to_string(s.verdict), s.reason));
    }
  }
  if (failed == 0) return {};
  return fmt::format("note: side {}: {} of {} scenario runs did not pass: {}{}\n", side, failed,
                     run.scenarios.size(), fmt::join(names, "; "),
                     failed > names.size() ? "; ..." : "");
}

}  // namespace

Result<CompareReport> compare_ab(const scenario::AbRun& run, const CompareOptions& opts) {
  return compare_runs(input_of("A (" + run.a_label + ")", run.a),
                      input_of("B (" + run.b_label + ")", run.b), opts);
}

std::string render_ab_text(const scenario::AbRun& run, const CompareReport& r) {
  std::string out =
      fmt::format("ktstr ab: schedule {} ({} rounds, interleaved so drift falls on both sides)\n",
                  run.schedule, run.schedule.size() / 2);
  if (run.interrupted) out += "note: interrupted; comparing the rounds that finished\n";
  out += not_passed("A", run.a);
  out += not_passed("B", run.b);
  return out + render_compare_text(r);
}

nlohmann::json ab_to_json(const scenario::AbRun& run, const CompareReport& r) {
  nlohmann::json slots = nlohmann::json::array();
  for (const auto& s : run.slots) {
    slots.push_back({{"side", std::string(1, s.side)},
                     {"round", s.round},
                     {"started_at", s.started_at},
                     {"duration_ms", s.duration_ms},
                     {"kernel", s.kernel},
                     {"scheduler", s.scheduler}});
  }
  return {{"schema_version", 1},
          {"schedule", run.schedule},
          {"rounds", run.schedule.size() / 2},
          {"slots", std::move(slots)},
          {"interrupted", run.interrupted},
          {"a", {{"label", run.a_label}, {"document", run.a_doc}}},
          {"b", {{"label", run.b_label}, {"document", run.b_doc}}},
          {"comparison", compare_to_json(r)}};
}

}  // namespace ktstr::report
