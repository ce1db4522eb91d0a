#include "scenario/fingerprint.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "scenario/catalogue.hpp"
#include "scenario/result.hpp"
#include "util/file_io.hpp"
#include "util/json_struct.hpp"
#include "util/version.hpp"

namespace ktstr::scenario {

KTSTR_JSON_STRUCT(ScenarioFingerprint, definition, workers)
KTSTR_JSON_STRUCT(Fingerprint, kernel_release, kernel_config_hash, kernel_config_source, scheduler,
                  scheduler_binary_hash, scheduler_args, topology, cpus, ktstr_version, cpu_model,
                  cpufreq_governor, workers_override, scenarios)

std::string hash_bytes(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

std::optional<std::string> hash_file(const std::string& path) {
  auto data = read_file(path);
  if (!data) return std::nullopt;
  return hash_bytes(*data);
}

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The text the scenario was loaded from, as exactly as we can get it back.
std::string source_text(const Scenario& s) {
  constexpr std::string_view kBuiltin = "builtin:";
  if (s.source.rfind(kBuiltin, 0) == 0) {
    const std::string path = s.source.substr(kBuiltin.size());
    for (const auto& f : embedded_scenario_files()) {
      if (path == f.path) return f.text;
    }
  }
  if (s.source.rfind("c++:", 0) != 0) {
    if (auto text = read_file(s.source)) return *text;
  }
  return s.source + "\nname=" + s.name;
}

}  // namespace

Fingerprint probe_fingerprint(const sched::HostFacts& host, const FingerprintPaths& paths) {
  Fingerprint f;
  f.kernel_release = host.kernel;
  f.scheduler = host.scheduler;
  f.topology = host.topology;
  f.cpus = host.cpus;
  f.cpu_model = host.cpu_model;
  f.ktstr_version = kVersion;
  for (const std::string& path :
       {paths.proc + "/config.gz", paths.boot + "/config-" + host.kernel}) {
    if (auto h = hash_file(path)) {
      f.kernel_config_hash = *h;
      f.kernel_config_source = path;
      break;
    }
  }
  if (auto gov = read_file(paths.sys + "/devices/system/cpu/cpu0/cpufreq/scaling_governor")) {
    f.cpufreq_governor = trimmed(*gov);
  }
  return f;
}

std::string definition_hash(const Scenario& s, const DefinitionOverrides& o) {
  std::string text = source_text(s);
  text += fmt::format("\n--duration_ns={}", o.duration_ns.value_or(s.duration_ns));
  for (const auto& [name, setting] : o.checks.values) {
    text += fmt::format("\n--check {}={}", name,
                        setting.limit ? fmt::format("{}", *setting.limit)
                                      : std::string(setting.enabled ? "true" : "false"));
  }
  return hash_bytes(text);
}

void add_scenarios(Fingerprint& f, const std::vector<Scenario>& selected,
                   const DefinitionOverrides& overrides,
                   const std::vector<ScenarioResult>& results) {
  for (const auto& s : selected) {
    ScenarioFingerprint sf{definition_hash(s, overrides), 0};
    for (const auto& r : results) {
      if (r.name != s.name) continue;
      sf.workers = r.stats.scenario.workers;
      break;
    }
    f.scenarios[s.name] = sf;
  }
}

namespace {

std::string shown(const std::optional<std::string>& v) {
  return v ? *v : "none";
}

template <typename T>
void warn_if_differs(std::vector<std::string>& out, std::string_view field, const T& a,
                     const T& b) {
  if (a != b) out.push_back(fmt::format("fingerprint differs: {}: A {} vs B {}", field, a, b));
}

}  // namespace

FingerprintDiff diff_fingerprints(const std::optional<Fingerprint>& a,
                                  const std::optional<Fingerprint>& b) {
  FingerprintDiff d;
  for (const auto& [side, fp] : {std::pair{"A", &a}, std::pair{"B", &b}}) {
    if (!*fp) {
      d.warnings.push_back(fmt::format(
          "no fingerprint in {} (written by an older ktstr): its configuration cannot be checked",
          side));
    }
  }
  if (!a || !b) return d;
  auto& w = d.warnings;
  warn_if_differs(w, "kernel", a->kernel_release, b->kernel_release);
  warn_if_differs(w, "kernel config", shown(a->kernel_config_hash), shown(b->kernel_config_hash));
  warn_if_differs(w, "scheduler", a->scheduler, b->scheduler);
  warn_if_differs(w, "scheduler binary", shown(a->scheduler_binary_hash),
                  shown(b->scheduler_binary_hash));
  warn_if_differs(w, "scheduler args", fmt::format("[{}]", fmt::join(a->scheduler_args, " ")),
                  fmt::format("[{}]", fmt::join(b->scheduler_args, " ")));
  warn_if_differs(w, "topology", a->topology, b->topology);
  warn_if_differs(w, "cpus", a->cpus, b->cpus);
  warn_if_differs(w, "ktstr version", a->ktstr_version, b->ktstr_version);
  warn_if_differs(w, "CPU model", a->cpu_model, b->cpu_model);
  warn_if_differs(w, "cpufreq governor", shown(a->cpufreq_governor), shown(b->cpufreq_governor));
  auto workers = [](const std::optional<size_t>& v) {
    return v ? std::to_string(*v) : std::string("scenario's own");
  };
  warn_if_differs(w, "--workers", workers(a->workers_override), workers(b->workers_override));
  for (const auto& [name, sa] : a->scenarios) {
    const auto it = b->scenarios.find(name);
    if (it == b->scenarios.end()) continue;
    warn_if_differs(w, fmt::format("{} workers", name), sa.workers, it->second.workers);
    if (sa.definition != it->second.definition) d.definition_mismatches.push_back(name);
  }
  return d;
}

}  // namespace ktstr::scenario
