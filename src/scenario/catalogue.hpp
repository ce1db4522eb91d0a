// The scenario catalogue: the built-in scenarios (scenarios/*.toml embedded
// at build time) plus every scenario registered from C++ with
// KTSTR_SCENARIO, and how `ktstr run` picks scenarios from it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenario/model.hpp"

namespace ktstr::scenario {

// One embedded file; defined by the generated scenario_catalogue.cpp.
struct EmbeddedScenarioFile {
  const char* path;  // "scenarios/steady.toml"
  const char* text;
};
const std::vector<EmbeddedScenarioFile>& embedded_scenario_files();

struct CatalogueEntry {
  std::string name;
  std::string origin;                // "builtin:scenarios/steady.toml" or "c++:<file>:<line>"
  std::optional<Scenario> scenario;  // absent when it failed to load (error says why)
  std::optional<Error> error;
  // Work types it needs that this build does not have yet: listing still
  // works; running it fails naming them.
  std::vector<std::string> missing_work_types;
};

// Every entry, sorted by name; built on first use.
const std::vector<CatalogueEntry>& catalogue();
const CatalogueEntry* find_in_catalogue(std::string_view name);

// What `ktstr run ARGS... --filter F` runs: each arg is a .toml path or a
// catalogue name (or glob); no args = the default set (entries with
// default = true). `filter` keeps names containing it (or matching it as a
// glob when it has * ? or [). Unknown names are kInvalidInput with a
// suggestion; broken files carry their file:line error.
Result<std::vector<Scenario>> select_scenarios(const std::vector<std::string>& args,
                                               const std::string& filter);
bool name_matches(std::string_view name, std::string_view pattern);

// `ktstr list scenarios` / `ktstr list checks`.
std::string catalogue_text();
nlohmann::json catalogue_json();
// The Markdown table kept in docs/scenarios.md (checked by a unit test).
std::string catalogue_markdown();
std::string checks_text();
nlohmann::json checks_json();

}  // namespace ktstr::scenario
