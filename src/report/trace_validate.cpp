// validate_trace: the structural rules trace viewers rely on.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "report/trace.hpp"

namespace ktstr::report {

using nlohmann::json;

namespace {

struct Slice {
  double ts, end;
  size_t index;
};

using ThreadKey = std::pair<int64_t, int64_t>;

Status bad(size_t i, const std::string& what) {
  return invalid_input(fmt::format("traceEvents[{}]: {}", i, what));
}

bool non_negative_number(const json& e, const char* key) {
  const auto it = e.find(key);
  return it != e.end() && it->is_number() && it->get<double>() >= 0;
}

// Complete slices of one thread must nest: a slice that starts inside
// another ends inside it too (tolerating float rounding).
Status check_nesting(std::vector<Slice>& slices) {
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.end > b.end;
  });
  constexpr double kEpsUs = 1e-3;
  std::vector<Slice> open;
  for (const auto& s : slices) {
    while (!open.empty() && open.back().end <= s.ts + kEpsUs) open.pop_back();
    if (!open.empty() && s.end > open.back().end + kEpsUs) {
      return bad(s.index, fmt::format("slice overlaps traceEvents[{}] without nesting in it",
                                      open.back().index));
    }
    open.push_back(s);
  }
  return {};
}

Status check_event(const json& e, size_t i, std::map<ThreadKey, std::vector<Slice>>& slices,
                   std::map<ThreadKey, std::vector<double>>& open_b) {
  static const std::set<std::string> kPhases = {"X", "B", "E", "i", "I", "C", "M"};
  if (!e.is_object()) return bad(i, "not an object");
  const auto ph = e.find("ph");
  if (ph == e.end() || !ph->is_string() || !kPhases.count(ph->get<std::string>())) {
    return bad(i, "missing or unknown 'ph'");
  }
  const std::string p = ph->get<std::string>();
  if (!e.contains("name") || !e["name"].is_string()) return bad(i, "missing 'name'");
  if (!e.contains("pid") || !e["pid"].is_number_integer()) return bad(i, "missing integer 'pid'");
  if (!e.contains("tid") || !e["tid"].is_number_integer()) return bad(i, "missing integer 'tid'");
  const ThreadKey key{e["pid"].get<int64_t>(), e["tid"].get<int64_t>()};
  if (p == "M") return {};
  if (!non_negative_number(e, "ts")) return bad(i, "missing or negative 'ts'");
  const double ts = e["ts"].get<double>();
  if (p == "X") {
    if (!non_negative_number(e, "dur")) return bad(i, "X event without a non-negative 'dur'");
    slices[key].push_back({ts, ts + e["dur"].get<double>(), i});
  } else if (p == "B") {
    open_b[key].push_back(ts);
  } else if (p == "E") {
    auto& stack = open_b[key];
    if (stack.empty()) return bad(i, "E event without a matching B");
    if (stack.back() > ts) return bad(i, "E event before its B");
    stack.pop_back();
  } else if (p == "i" || p == "I") {
    const auto s = e.find("s");
    if (s != e.end() && !(s->is_string() && (*s == "g" || *s == "p" || *s == "t"))) {
      return bad(i, "instant scope 's' must be g, p or t");
    }
  } else if (p == "C") {
    if (!e.contains("args") || !e["args"].is_object()) return bad(i, "counter without args");
    for (const auto& [k, v] : e["args"].items()) {
      if (!v.is_number()) return bad(i, fmt::format("counter arg '{}' is not a number", k));
    }
  }
  return {};
}

}  // namespace

Status validate_trace(const json& trace) {
  if (!trace.is_object() || !trace.contains("traceEvents") || !trace["traceEvents"].is_array()) {
    return invalid_input("trace: expected an object with a 'traceEvents' array");
  }
  std::map<ThreadKey, std::vector<Slice>> slices;
  std::map<ThreadKey, std::vector<double>> open_b;
  const auto& ev = trace["traceEvents"];
  for (size_t i = 0; i < ev.size(); ++i) KTSTR_TRY(check_event(ev[i], i, slices, open_b));
  for (const auto& [key, stack] : open_b) {
    if (!stack.empty()) {
      return invalid_input(fmt::format("trace: pid {} tid {} has {} B event(s) without an E",
                                       key.first, key.second, stack.size()));
    }
  }
  for (auto& [key, list] : slices) KTSTR_TRY(check_nesting(list));
  return {};
}

}  // namespace ktstr::report
