#include "workload/catalogue_doc.hpp"

#include "workload/work_type.hpp"

namespace ktstr::workload {
namespace {

// Group size and shared bytes with default parameters.
ParamValues defaults_of(const WorkTypeDef& d) {
  auto p = resolve_params(d.name, d.params, {});
  return p ? *p : ParamValues{};
}

std::string modes_of(const WorkTypeDef& d) {
  std::string m;
  if (d.fork_ok) m += "fork";
  if (d.thread_ok) m += m.empty() ? "thread" : ",thread";
  if (d.pcomm_ok) m += ",pcomm";
  return m;
}

// Test-only types (family "test") are registered by test binaries and never listed.
std::vector<const WorkTypeDef*> listed() {
  std::vector<const WorkTypeDef*> out;
  for (const auto* d : WorkTypeRegistry::instance().all()) {
    if (d->family != "test") out.push_back(d);
  }
  return out;
}

}  // namespace

nlohmann::json work_types_json() {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto* d : listed()) {
    auto defaults = defaults_of(*d);
    nlohmann::json params = nlohmann::json::array();
    for (const auto& p : d->params) {
      nlohmann::json pj = {{"name", p.name},
                           {"type", kind_name(p.kind)},
                           {"default", p.default_value},
                           {"help", p.help}};
      if (p.kind == ParamKind::kChoice) pj["choices"] = p.choices;
      if (p.kind == ParamKind::kInt) pj["min"] = p.min;
      params.push_back(pj);
    }
    arr.push_back({{"name", d->name},
                   {"family", d->family},
                   {"summary", d->summary},
                   {"params", params},
                   {"group_size", d->group_size(defaults)},
                   {"shared_bytes", d->shared_bytes(defaults)},
                   {"samples", d->samples},
                   {"fork", d->fork_ok},
                   {"thread", d->thread_ok},
                   {"pcomm", d->pcomm_ok},
                   {"restriction", d->restriction},
                   {"needs", d->needs}});
  }
  return arr;
}

std::string work_types_text() {
  std::string out;
  for (const auto* d : listed()) {
    auto defaults = defaults_of(*d);
    out += fmt::format("{:<28} {}\n", d->name, d->summary);
    std::string params;
    for (const auto& p : d->params) {
      params += fmt::format("{}{}={}", params.empty() ? "" : " ", p.name, p.default_value);
    }
    out += fmt::format("{:<28} group {}  modes {}{}{}\n", "", d->group_size(defaults), modes_of(*d),
                       d->samples.empty() ? "" : "  samples " + d->samples,
                       params.empty() ? "" : "  params " + params);
  }
  return out;
}

std::string work_types_markdown() {
  std::string out =
      "# Work types\n\n"
      "Generated from the work-type registry (`ktstr list work-types --json`); a test keeps it "
      "in sync. Run any type with `ktstr workload --type NAME [--param key=value]...`.\n\n"
      "| name | family | summary | parameters (defaults) | group | modes | samples |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const auto* d : listed()) {
    auto defaults = defaults_of(*d);
    std::string params;
    for (const auto& p : d->params) {
      params += fmt::format("{}`{}={}`", params.empty() ? "" : ", ", p.name, p.default_value);
    }
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", d->name, d->family, d->summary,
                       params.empty() ? "–" : params, d->group_size(defaults), modes_of(*d),
                       d->samples.empty() ? "–" : d->samples);
  }
  out += "\nRestrictions:\n\n";
  for (const auto* d : listed()) {
    if (!d->restriction.empty()) out += fmt::format("- `{}`: {}\n", d->name, d->restriction);
  }
  return out;
}

}  // namespace ktstr::workload
