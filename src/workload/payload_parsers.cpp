// The payload result parsers (payload_metrics.hpp): stress-ng's YAML
// metrics, fio's and cyclictest's JSON, hackbench's "Time:" line.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/stats.hpp"
#include "workload/payload_metrics.hpp"

namespace ktstr::workload {
namespace {

using Metrics = std::vector<PayloadMetric>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<double> to_number(std::string_view s) {
  s = trim(s);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// "key: value" of one YAML line; nullopt when the line is not one.
std::optional<std::pair<std::string_view, std::string_view>> yaml_pair(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::pair{trim(line.substr(0, colon)), trim(line.substr(colon + 1))};
}

}  // namespace

// stress-ng --yaml with --metrics(-brief): a "metrics:" list of
// "- stressor: NAME" entries followed by "key: value" lines.
Result<Metrics> parse_stress_ng_yaml(std::string_view text) {
  Metrics out;
  bool in_metrics = false;
  std::string stressor;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.front() != ' ' && line.front() != '-') {
      in_metrics = trim(line) == "metrics:";
      continue;
    }
    std::string_view t = trim(line);
    if (!in_metrics || t.empty()) continue;
    if (t.substr(0, 2) == "- ") {
      auto kv = yaml_pair(t.substr(2));
      if (kv && kv->first == "stressor") stressor = std::string(kv->second);
      continue;
    }
    auto kv = yaml_pair(t);
    if (!kv || stressor.empty()) continue;
    auto v = to_number(kv->second);
    if (!v) continue;
    if (kv->first == "bogo-ops-per-second-real-time") {
      out.push_back({stressor + ".bogo_ops_per_s", *v, "/s", true});
    } else if (kv->first == "bogo-ops") {
      out.push_back({stressor + ".bogo_ops", *v, "", true});
    }
  }
  if (out.empty()) {
    return invalid_input(
        "no 'metrics:' entries with bogo-ops in stress-ng's YAML (stress-ng writes them with "
        "--metrics-brief; was the run cut short?)");
  }
  return out;
}

namespace {

// fio's JSON follows any warnings it printed first: from the first line
// that opens an object.
std::string_view json_start(std::string_view text) {
  if (!text.empty() && text.front() == '{') return text;
  const size_t at = text.find("\n{");
  return at == std::string_view::npos ? std::string_view{} : text.substr(at + 1);
}

Result<nlohmann::json> parse_json(std::string_view text, const char* what) {
  auto j = nlohmann::json::parse(json_start(text), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return invalid_input(fmt::format("{} output is not a JSON object", what));
  }
  return j;
}

double number_or(const nlohmann::json& j, const char* key, double fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

void add_fio_direction(const nlohmann::json& dir, const std::string& prefix, Metrics& out) {
  if (!dir.is_object() || number_or(dir, "total_ios", 0) <= 0) return;
  out.push_back({prefix + ".iops", number_or(dir, "iops", 0), "/s", true});
  auto clat = dir.find("clat_ns");
  if (clat == dir.end() || !clat->is_object()) return;
  auto pct = clat->find("percentile");
  if (pct == clat->end() || !pct->is_object()) return;
  constexpr std::array<std::pair<const char*, const char*>, 3> kWanted = {
      {{"50.000000", "clat_p50_us"}, {"99.000000", "clat_p99_us"}, {"99.900000", "clat_p999_us"}}};
  for (const auto& [key, name] : kWanted) {
    auto it = pct->find(key);
    if (it != pct->end() && it->is_number()) {
      out.push_back({prefix + "." + name, it->get<double>() / 1e3, "us", false});
    }
  }
}

}  // namespace

// fio --output-format=json: per job, per direction with I/O, IOPS and the
// completion-latency percentiles (ns in fio, us here).
Result<Metrics> parse_fio_json(std::string_view text) {
  auto j = parse_json(text, "fio");
  if (!j) return unexpected(j.error());
  auto jobs = j->find("jobs");
  if (jobs == j->end() || !jobs->is_array() || jobs->empty()) {
    return invalid_input("fio's JSON has no \"jobs\"");
  }
  Metrics out;
  for (const auto& job : *jobs) {
    if (!job.is_object() || !job.contains("jobname") || !job["jobname"].is_string()) continue;
    const std::string name = job["jobname"].get<std::string>();
    for (const char* d : {"read", "write", "trim"}) {
      if (job.contains(d)) add_fio_direction(job[d], name + "." + d, out);
    }
  }
  if (out.empty()) return invalid_input("fio's JSON has no job that did any I/O");
  return out;
}

namespace {

// The nearest-rank percentile over cyclictest's per-microsecond histogram;
// a rank in the overflow (beyond the histogram) is given as the max, an
// upper bound.
double histogram_percentile(const std::map<double, uint64_t>& hist, uint64_t cycles, double max,
                            double p) {
  const size_t rank = nearest_rank(cycles, p);
  uint64_t seen = 0;
  for (const auto& [us, n] : hist) {
    seen += n;
    if (seen >= rank) return us;
  }
  return max;
}

}  // namespace

// cyclictest --json: min/avg/max over all threads (avg weighted by
// cycles); with a histogram (-h/--histogram) also p50/p99/p99.9.
Result<Metrics> parse_cyclictest_json(std::string_view text) {
  auto j = parse_json(text, "cyclictest");
  if (!j) return unexpected(j.error());
  auto threads = j->find("thread");
  if (threads == j->end() || !threads->is_object() || threads->empty()) {
    return invalid_input("cyclictest's JSON has no \"thread\" results");
  }
  double lo = INFINITY, hi = 0, weighted = 0;
  uint64_t cycles = 0;
  std::map<double, uint64_t> hist;
  for (const auto& [id, t] : threads->items()) {
    if (!t.is_object()) continue;
    const auto c = static_cast<uint64_t>(number_or(t, "cycles", 0));
    if (c == 0) continue;
    cycles += c;
    lo = std::min(lo, number_or(t, "min", lo));
    hi = std::max(hi, number_or(t, "max", hi));
    weighted += number_or(t, "avg", 0) * static_cast<double>(c);
    auto h = t.find("histogram");
    if (h == t.end() || !h->is_object()) continue;
    for (const auto& [us, n] : h->items()) {
      auto v = to_number(us);
      if (v && n.is_number_unsigned()) hist[*v] += n.get<uint64_t>();
    }
  }
  if (cycles == 0) return invalid_input("cyclictest's JSON has no thread with cycles");
  Metrics out = {{"latency_min_us", lo, "us", false},
                 {"latency_avg_us", weighted / static_cast<double>(cycles), "us", false},
                 {"latency_max_us", hi, "us", false}};
  if (!hist.empty()) {
    for (auto [p, name] : {std::pair{50.0, "latency_p50_us"}, std::pair{99.0, "latency_p99_us"},
                           std::pair{99.9, "latency_p999_us"}}) {
      out.push_back({name, histogram_percentile(hist, cycles, hi, p), "us", false});
    }
  }
  return out;
}

// hackbench: "Time: 0.233" (seconds, the whole run).
Result<Metrics> parse_hackbench_output(std::string_view text) {
  size_t at = 0;
  while ((at = text.find("Time:", at)) != std::string_view::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      const size_t nl = text.find('\n', at);
      auto v = to_number(text.substr(at + 5, nl == std::string_view::npos ? nl : nl - at - 5));
      if (v) return Metrics{{"time_s", *v, "s", false}};
    }
    at += 5;
  }
  return invalid_input("no \"Time: SECONDS\" line in hackbench's output");
}

}  // namespace ktstr::workload
