#include "report/catalogues.hpp"

#include <fmt/format.h>

#include "scenario/catalogue.hpp"
#include "topology/presets.hpp"
#include "workload/catalogue_doc.hpp"

namespace ktstr::report {

const std::vector<Catalogue>& list_catalogues() {
  static const std::vector<Catalogue> catalogues = {
      {"work-types", workload::work_types_text, workload::work_types_json,
       workload::work_types_markdown},
      {"scenarios", scenario::catalogue_text, scenario::catalogue_json},
      {"checks", scenario::checks_text, scenario::checks_json},
      {"presets", topo::presets_text, topo::presets_json, topo::presets_markdown},
  };
  return catalogues;
}

Result<const Catalogue*> find_catalogue(const std::string& name) {
  for (const auto& c : list_catalogues()) {
    if (c.name == name) return &c;
  }
  std::string names;
  for (const auto& c : list_catalogues()) names += (names.empty() ? "" : ", ") + c.name;
  return unexpected(Error{ErrorKind::kInvalidInput,
                          fmt::format("unknown catalogue '{}'; choose one of: {}", name, names), 0,
                          "ktstr list"});
}

std::string render_catalogue(const Catalogue& c, CatalogueFormat format) {
  if (format == CatalogueFormat::kMarkdown && c.markdown) return c.markdown();
  if (format == CatalogueFormat::kJson) return c.json().dump(2) + "\n";
  return c.text();
}

}  // namespace ktstr::report
