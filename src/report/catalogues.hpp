// The catalogues `ktstr list` shows. Each layer that owns a registry (work
// types, scenarios, checks) renders its own; this is the one list of them.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace ktstr::report {

struct Catalogue {
  std::string name;
  std::function<std::string()> text;
  std::function<nlohmann::json()> json;
  std::function<std::string()> markdown;  // optional: the docs/ page
};

const std::vector<Catalogue>& list_catalogues();

// The catalogue called `name`; invalid input naming the choices otherwise.
Result<const Catalogue*> find_catalogue(const std::string& name);

enum class CatalogueFormat { kText, kJson, kMarkdown };

// What `ktstr list` prints; kMarkdown falls back to text when the
// catalogue has no markdown page.
std::string render_catalogue(const Catalogue& c, CatalogueFormat format);

}  // namespace ktstr::report
