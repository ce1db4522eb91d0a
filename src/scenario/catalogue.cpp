#include "scenario/catalogue.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scenario/builder.hpp"
#include "scenario/toml_loader.hpp"
#include "util/suggest.hpp"

namespace ktstr::scenario {
namespace {

std::vector<CatalogueEntry> build() {
  std::vector<CatalogueEntry> out;
  for (const auto& f : embedded_scenario_files()) {
    CatalogueEntry e;
    e.origin = std::string("builtin:") + f.path;
    std::string stem = f.path;
    stem = stem.substr(stem.rfind('/') + 1);
    e.name = stem.substr(0, stem.rfind('.'));
    auto s = parse_scenario_toml(f.text, e.origin);
    if (s) {
      e.name = s->name;
      e.missing_work_types = missing_work_types(*s);
      e.scenario = std::move(*s);
    } else {
      e.error = s.error();
    }
    out.push_back(std::move(e));
  }
  for (const auto& r : registered_scenarios()) {
    CatalogueEntry e;
    e.name = r.name;
    e.origin = r.origin;
    ScenarioBuilder b(r.name);
    b.source(r.origin);
    r.fn(b);
    auto s = b.build();
    if (s) {
      e.missing_work_types = missing_work_types(*s);
      e.scenario = std::move(*s);
    } else {
      e.error = s.error();
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

bool is_glob(std::string_view p) {
  return p.find_first_of("*?[") != std::string_view::npos;
}

Result<Scenario> loadable(const CatalogueEntry& e) {
  if (e.scenario) return *e.scenario;
  return unexpected(*e.error);
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& e : catalogue()) out.push_back(e.name);
  return out;
}

std::string requirement_list(const CatalogueEntry& e) {
  std::vector<std::string> reqs;
  if (e.scenario) {
    for (const auto& r : e.scenario->requirements) reqs.push_back(to_string(r));
  }
  return fmt::format("{}", fmt::join(reqs, ", "));
}

}  // namespace

const std::vector<CatalogueEntry>& catalogue() {
  static const std::vector<CatalogueEntry> entries = build();
  return entries;
}

const CatalogueEntry* find_in_catalogue(std::string_view name) {
  for (const auto& e : catalogue()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool name_matches(std::string_view name, std::string_view pattern) {
  if (pattern.empty()) return true;
  if (is_glob(pattern)) {
    return fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
  }
  return name.find(pattern) != std::string_view::npos;
}

Result<std::vector<Scenario>> select_scenarios(const std::vector<std::string>& args,
                                               const std::string& filter) {
  std::vector<Scenario> out;
  auto keep = [&](Result<Scenario> s) -> Status {
    if (!s) return unexpected(s.error());
    if (name_matches(s->name, filter)) out.push_back(std::move(*s));
    return {};
  };
  if (args.empty()) {
    for (const auto& e : catalogue()) {
      if (e.scenario && e.scenario->default_set) KTSTR_TRY(keep(loadable(e)));
    }
    return out;
  }
  for (const auto& a : args) {
    const bool is_file = a.size() > 5 && a.compare(a.size() - 5, 5, ".toml") == 0;
    if (is_file || a.find('/') != std::string::npos) {
      KTSTR_TRY(keep(load_scenario_file(a)));
      continue;
    }
    bool found = false;
    for (const auto& e : catalogue()) {
      if (is_glob(a) ? name_matches(e.name, a) : e.name == a) {
        found = true;
        KTSTR_TRY(keep(loadable(e)));
      }
    }
    if (!found) {
      return invalid_input(fmt::format("no scenario named '{}'{} (`ktstr list scenarios` shows "
                                       "the catalogue; files must end in .toml)",
                                       a, did_you_mean(a, names())),
                           "ktstr run");
    }
  }
  return out;
}

std::string catalogue_text() {
  std::string out;
  std::map<std::string, std::vector<const CatalogueEntry*>> by_category;
  for (const auto& e : catalogue()) {
    by_category[e.scenario ? e.scenario->category : "broken"].push_back(&e);
  }
  for (const auto& [cat, entries] : by_category) {
    out += cat + ":\n";
    for (const auto* e : entries) {
      std::string desc = e->scenario ? e->scenario->description : e->error->describe();
      out += fmt::format("  {:<30} {}{}\n", e->name,
                         e->scenario && e->scenario->default_set ? "* " : "", desc);
      std::string reqs = requirement_list(*e);
      if (!reqs.empty()) out += fmt::format("  {:<30} requires: {}\n", "", reqs);
      if (!e->missing_work_types.empty()) {
        out += fmt::format("  {:<30} needs work types not in this build: {}\n", "",
                           fmt::join(e->missing_work_types, ", "));
      }
    }
  }
  out += "\n* = in the default set (`ktstr run` without arguments)\n";
  return out;
}

nlohmann::json catalogue_json() {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : catalogue()) {
    nlohmann::json j = {{"name", e.name}, {"origin", e.origin}};
    if (e.scenario) {
      std::vector<std::string> reqs;
      for (const auto& r : e.scenario->requirements) reqs.push_back(to_string(r));
      j["category"] = e.scenario->category;
      j["description"] = e.scenario->description;
      j["duration_ms"] = static_cast<double>(e.scenario->duration_ns) / 1e6;
      j["requires"] = reqs;
      j["default"] = e.scenario->default_set;
      j["work_types"] = work_types_used(*e.scenario);
      j["missing_work_types"] = e.missing_work_types;
    } else {
      j["error"] = e.error->describe();
    }
    arr.push_back(std::move(j));
  }
  return arr;
}

std::string catalogue_markdown() {
  std::string out =
      "| name | category | default | requires | description |\n|---|---|---|---|---|\n";
  for (const auto& e : catalogue()) {
    if (!e.scenario || e.origin.rfind("builtin:", 0) != 0) continue;
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", e.name, e.scenario->category,
                       e.scenario->default_set ? "yes" : "", requirement_list(e),
                       e.scenario->description);
  }
  return out;
}

std::string checks_text() {
  std::string out = fmt::format("{:<32} {:<10} {}\n", "check", "default", "definition");
  for (const auto& d : check::check_catalogue()) {
    out += fmt::format("{:<32} {:<10} {}\n", d.name, check::default_text(d), d.definition);
  }
  return out;
}

nlohmann::json checks_json() {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : check::check_catalogue()) {
    const char* kind = d.kind == check::CheckKind::kToggle ? "toggle"
                       : d.kind == check::CheckKind::kMax  ? "max"
                                                           : "min";
    arr.push_back({{"name", d.name},
                   {"kind", kind},
                   {"unit", d.unit},
                   {"definition", d.definition},
                   {"default", check::default_text(d)},
                   {"default_enabled", d.default_enabled},
                   {"default_limit", d.default_enabled && d.kind != check::CheckKind::kToggle
                                         ? nlohmann::json(check::Thresholds().get(d.name).limit)
                                         : nlohmann::json(nullptr)}});
  }
  return arr;
}

}  // namespace ktstr::scenario
