// The configuration fingerprint of a run (docs/results.md "fingerprint"):
// what must be equal for two runs to be comparable — kernel and its config,
// scheduler binary and arguments, topology, worker counts, ktstr version,
// CPU model, cpufreq governor, and one hash per scenario of its resolved
// definition. `ktstr compare` warns on each difference and refuses (exit 2,
// --force overrides) to compare a scenario whose definition differs.
//
// Hashes are FNV-1a 64 ("fnv1a64:<16 hex digits>"): identity, not security.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "check/thresholds.hpp"
#include "scenario/model.hpp"
#include "sched/host_probe.hpp"

namespace ktstr::scenario {

struct ScenarioResult;  // result.hpp, which holds a Fingerprint

// What `ktstr run` changes in every scenario it runs (--duration, --check).
struct DefinitionOverrides {
  std::optional<uint64_t> duration_ns;
  check::ThresholdLayer checks;
};

struct ScenarioFingerprint {
  std::string definition;  // hash of the resolved definition (definition_hash)
  size_t workers = 0;      // workers the first run of the scenario spawned
};

struct Fingerprint {
  std::string kernel_release;                        // uname -r
  std::optional<std::string> kernel_config_hash;     // null when no config is readable
  std::string kernel_config_source;                  // "/proc/config.gz", "/boot/config-<r>", ""
  std::string scheduler;                             // "eevdf", "sched_ext:<ops>", VM: --scheduler
  std::optional<std::string> scheduler_binary_hash;  // VM mode with a scheduler binary
  std::vector<std::string> scheduler_args;           // VM mode: --sched-arg values
  std::string topology;
  int cpus = 0;
  std::string ktstr_version;
  std::string cpu_model;
  std::optional<std::string> cpufreq_governor;           // cpu0's; null without cpufreq
  std::optional<size_t> workers_override;                // --workers
  std::map<std::string, ScenarioFingerprint> scenarios;  // by scenario name
};

void to_json(nlohmann::json& j, const ScenarioFingerprint& f);
void from_json(const nlohmann::json& j, ScenarioFingerprint& f);
void to_json(nlohmann::json& j, const Fingerprint& f);
void from_json(const nlohmann::json& j, Fingerprint& f);

// "fnv1a64:<hex>" of the bytes; of a file's bytes (nullopt when unreadable).
std::string hash_bytes(std::string_view bytes);
std::optional<std::string> hash_file(const std::string& path);

// Where the machine facts are read (tests point these at a fake tree).
struct FingerprintPaths {
  std::string proc = "/proc";
  std::string boot = "/boot";
  std::string sys = "/sys";
};

// Kernel config hash (/proc/config.gz as read, else /boot/config-<release>),
// governor, and the host facts already probed; no scenarios yet.
Fingerprint probe_fingerprint(const sched::HostFacts& host, const FingerprintPaths& paths = {});

// Hash of the scenario as it runs: its source text (the TOML file, or the
// embedded file of a built-in; the registration site of a C++ scenario),
// the effective duration and the --check overrides. --workers is left out:
// worker counts are their own fingerprint entry (a warning, not a refusal).
std::string definition_hash(const Scenario& s, const DefinitionOverrides& overrides);

// The `scenarios` map for these results: each selected scenario's
// definition hash and the workers its first result counted.
void add_scenarios(Fingerprint& f, const std::vector<Scenario>& selected,
                   const DefinitionOverrides& overrides,
                   const std::vector<ScenarioResult>& results);

// Differences between two documents' fingerprints (nullopt: the document
// has none). Warnings are one line each, naming the field and both values;
// definition mismatches name the scenarios (only those present in both).
struct FingerprintDiff {
  std::vector<std::string> warnings;
  std::vector<std::string> definition_mismatches;
};
FingerprintDiff diff_fingerprints(const std::optional<Fingerprint>& a,
                                  const std::optional<Fingerprint>& b);

}  // namespace ktstr::scenario
