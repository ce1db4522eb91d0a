#include "cli/list_catalogues.hpp"

#include "scenario/catalogue.hpp"
#include "workload/catalogue_doc.hpp"

namespace ktstr::cli {

const std::vector<Catalogue>& list_catalogues() {
  static const std::vector<Catalogue> catalogues = {
      {"work-types", workload::work_types_text, workload::work_types_json,
       workload::work_types_markdown},
      {"scenarios", scenario::catalogue_text, scenario::catalogue_json},
      {"checks", scenario::checks_text, scenario::checks_json},
  };
  return catalogues;
}

}  // namespace ktstr::cli
