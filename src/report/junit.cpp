#include "report/junit.hpp"

#include <map>

#include <fmt/format.h>

#include "report/format.hpp"
#include "report/run_text.hpp"
#include "report/summary.hpp"

namespace ktstr::report {

using check::Verdict;
using scenario::RunResult;
using scenario::ScenarioResult;

namespace {

std::string attr(std::string_view name, std::string_view value) {
  return fmt::format(" {}=\"{}\"", name, xml_escape(value));
}

std::string seconds(double ms) {
  return fmt::format("{:.3f}", ms / 1000);
}

size_t repeats_of(const RunResult& run, const std::string& name) {
  size_t n = 0;
  for (const auto& s : run.scenarios) n = std::max(n, s.name == name ? s.repeat + 1 : 0);
  return n;
}

// A flaky scenario is a <failure> under --strict (the run exits 1) and a
// passed testcase with a note in <system-out> otherwise (the run exits 4).
bool flaky_fails(const RunResult& run, const ScenarioResult& s) {
  return s.verdict == Verdict::kFlaky && run.strict;
}

struct Counts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time_ms = 0;
  void add(const RunResult& run, const ScenarioResult& s) {
    ++tests;
    time_ms += s.duration_ms;
    if (s.error_kind) {
      ++errors;
    } else if (s.verdict == Verdict::kFail || flaky_fails(run, s)) {
      ++failures;
    } else if (s.verdict == Verdict::kSkip || s.verdict == Verdict::kInconclusive) {
      ++skipped;
    }
  }
  // junit-10 has `skipped` on a testsuite only; readers sum the suites.
  std::string attrs(bool with_skipped = true) const {
    return fmt::format(
        " tests=\"{}\" failures=\"{}\" errors=\"{}\"{} time=\"{}\"", tests, failures, errors,
        with_skipped ? fmt::format(" skipped=\"{}\"", skipped) : std::string(), seconds(time_ms));
  }
};

// The scenario's facts as "name: value" lines: strict JUnit (junit-10) has
// no testcase properties, so they lead the testcase's <system-out>.
std::string facts(const ScenarioResult& s) {
  std::string out;
  auto line = [&out](std::string_view name, std::string_view value) {
    out += fmt::format("{}: {}\n", name, value);
  };
  line("verdict", to_string(s.verdict));
  line("repeat", std::to_string(s.repeat));
  if (!s.source.empty()) line("source", s.source);
  line("scheduler", s.scheduler.name);
  for (const auto& [name, value] : key_stats(s)) line(name, value);
  for (const auto& c : s.checks) line("check." + c.name, describe_check(c));
  return out;
}

// The evidence of a failed scenario: the reason, then every failed check.
std::string failure_text(const ScenarioResult& s) {
  std::string text;
  for (const auto& c : s.checks) {
    if (c.verdict == Verdict::kFail) text += c.name + ": " + describe_check(c) + "\n";
  }
  if (!s.error.empty()) text += "error: " + s.error + "\n";
  if (text.empty()) text = s.reason + "\n";
  for (const auto& line : render_attempt_lines(s)) text += line + "\n";
  return text;
}

void outcome(std::string& out, const RunResult& run, const ScenarioResult& s) {
  if (s.error_kind) {
    out += fmt::format("      <error{}{}>{}</error>\n", attr("message", s.error),
                       attr("type", to_string(s.error_kind)), xml_escape(failure_text(s), false));
  } else if (s.verdict == Verdict::kFail || flaky_fails(run, s)) {
    std::string type = s.verdict == Verdict::kFlaky ? "flaky" : "check";
    for (const auto& c : s.checks) {
      if (c.verdict == Verdict::kFail && s.verdict == Verdict::kFail) {
        type = c.name;
        break;
      }
    }
    out += fmt::format("      <failure{}{}>{}</failure>\n", attr("message", s.reason),
                       attr("type", type), xml_escape(failure_text(s), false));
  } else if (s.verdict == Verdict::kSkip) {
    out += fmt::format("      <skipped{}/>\n", attr("message", s.reason));
  } else if (s.verdict == Verdict::kInconclusive) {
    out += fmt::format("      <skipped{}/>\n", attr("message", "inconclusive: " + s.reason));
  }
}

void testcase(std::string& out, const RunResult& run, const ScenarioResult& s,
              const std::string& classname) {
  out += fmt::format("    <testcase{}{} time=\"{}\">\n", attr("name", testcase_name(run, s)),
                     attr("classname", classname), seconds(s.duration_ms));
  outcome(out, run, s);
  std::string text = facts(s);
  if (s.verdict == Verdict::kFlaky && !run.strict) {
    text += s.reason + "\n";
    for (const auto& line : render_attempt_lines(s)) text += line + "\n";
  }
  if (!s.timeline.empty()) text += "\n";
  for (const auto& e : s.timeline) text += format_timeline_event(e) + "\n";
  out += "      <system-out>" + xml_escape(text, false) + "</system-out>\n";
  if (!s.warnings.empty()) {
    std::string err;
    for (const auto& w : s.warnings) err += "warning: " + w + "\n";
    out += "      <system-err>" + xml_escape(err, false) + "</system-err>\n";
  }
  out += "    </testcase>\n";
}

void suite_properties(std::string& out, const RunResult& run) {
  out += "    <properties>\n";
  const std::pair<const char*, std::string> props[] = {
      {"ktstr_version", run.ktstr_version},     {"kernel", run.host.kernel},
      {"cpu_model", run.host.cpu_model},        {"topology", run.host.topology},
      {"cpus", std::to_string(run.host.cpus)},  {"scheduler", run.host.scheduler},
      {"cgroup_layout", run.host.cgroup_layout}};
  for (const auto& [name, value] : props) {
    if (!value.empty()) {
      out += fmt::format("      <property{}{}/>\n", attr("name", name), attr("value", value));
    }
  }
  out += "    </properties>\n";
}

}  // namespace

std::string testcase_name(const RunResult& run, const ScenarioResult& s) {
  const size_t n = repeats_of(run, s.name);
  // Same wording as the terminal report of `ktstr run`.
  return n > 1 ? fmt::format("{} (repeat {})", s.name, s.repeat + 1) : s.name;
}

std::string render_junit(const RunResult& run) {
  // Suites per category, in first-appearance order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const ScenarioResult*>> by_category;
  Counts total;
  for (const auto& s : run.scenarios) {
    const std::string suite = "ktstr." + (s.category.empty() ? "scenarios" : s.category);
    auto [it, fresh] = by_category.try_emplace(suite);
    if (fresh) order.push_back(suite);
    it->second.push_back(&s);
    total.add(run, s);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites{}{}>\n", attr("name", "ktstr"), total.attrs(false));
  for (const auto& suite : order) {
    Counts c;
    for (const auto* s : by_category[suite]) c.add(run, *s);
    out += fmt::format("  <testsuite{}{}{}{}>\n", attr("name", suite), c.attrs(),
                       attr("timestamp", run.started_at), attr("hostname", run.host.hostname));
    suite_properties(out, run);
    for (const auto* s : by_category[suite]) testcase(out, run, *s, suite);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace ktstr::report
