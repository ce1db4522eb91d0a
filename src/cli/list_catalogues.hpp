// The catalogues `ktstr list` can show. Each layer that owns a registry adds
// an entry in list_catalogues.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::cli {

struct Catalogue {
  std::string name;
  std::function<std::string()> text;
  std::function<nlohmann::json()> json;
  std::function<std::string()> markdown;  // optional: the docs/ page
};

const std::vector<Catalogue>& list_catalogues();

}  // namespace ktstr::cli
