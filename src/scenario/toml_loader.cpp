#include "scenario/toml_loader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "scenario/toml_parts.hpp"
#include "util/input_file.hpp"
#include "util/suggest.hpp"

namespace ktstr::scenario {

using toml_detail::error_at;
using toml_detail::line_of;
using toml_detail::ParsedCgroup;
using toml_detail::TableReader;

const std::vector<std::string>& scenario_top_level_keys() {
  static const std::vector<std::string> k = {
      "name",        "description", "category", "duration", "topology", "requires",
      "default",     "cgroup",      "step",     "checks",   "check",    "expect_scheduler_error",
      "expect_stall"};
  return k;
}

namespace {

// The tables of an array-of-tables key ([[cgroup]], [[step]], ops = [...]).
Result<std::vector<const toml::table*>> tables_of(const TableReader& r, std::string_view key) {
  std::vector<const toml::table*> out;
  const toml::node* n = r.raw(key);
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr) return r.type_error(key, "an array of tables");
  for (const auto& e : *a) {
    if (!e.is_table()) {
      return r.error(line_of(e), fmt::format("each entry of '{}' must be a table, got {}", key,
                                             toml_detail::type_name(e)));
    }
    out.push_back(e.as_table());
  }
  return out;
}

// Full paths for [[cgroup]] entries: `parent` names another entry's `name`.
Status resolve_parents(std::vector<ParsedCgroup>& cgs, const std::string& file) {
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < cgs.size(); ++i) {
    auto [it, fresh] = by_name.try_emplace(cgs[i].def.name, i);
    if (!fresh) {
      return error_at(file, cgs[i].def.line,
                      fmt::format("cgroup '{}' is declared twice (first at line {}); cgroup names "
                                  "must be unique",
                                  cgs[i].def.name, cgs[it->second].def.line));
    }
  }
  std::vector<std::string> full(cgs.size());
  for (size_t i = 0; i < cgs.size(); ++i) {
    std::vector<std::string> chain;
    std::set<size_t> seen;
    size_t cur = i;
    std::string path = cgs[i].def.name;
    while (!cgs[cur].parent.empty()) {
      seen.insert(cur);
      chain.push_back(cgs[cur].def.name);
      auto it = by_name.find(cgs[cur].parent);
      if (it == by_name.end()) {
        std::vector<std::string> names;
        for (const auto& [n, idx] : by_name) names.push_back(n);
        return error_at(
            file, cgs[cur].parent_line,
            fmt::format("cgroup '{}' has parent '{}', which no [[cgroup]] declares{}",
                        cgs[cur].def.name, cgs[cur].parent, did_you_mean(cgs[cur].parent, names)));
      }
      if (seen.count(it->second)) {
        chain.push_back(cgs[it->second].def.name);
        return error_at(file, cgs[cur].parent_line,
                        fmt::format("cgroup parents form a cycle: {}", fmt::join(chain, " -> ")));
      }
      cur = it->second;
      path = cgs[cur].def.name + "/" + path;
    }
    full[i] = path;
  }
  for (size_t i = 0; i < cgs.size(); ++i) cgs[i].def.name = full[i];
  return {};
}

Status parse_checks(const TableReader& top, Scenario& s) {
  check::ThresholdLayer& out = s.checks;
  const toml::node* n = top.raw("checks");
  if (n == nullptr) return {};
  const toml::table* t = n->as_table();
  if (t == nullptr) return top.type_error("checks", "a table ([checks])");
  TableReader r(*t, "[checks]", &top.file());
  auto allowed = check::check_names();
  allowed.emplace_back("payload");
  for (auto&& [k, v] : *t) {
    if (k.str().substr(0, 8) == "payload.") allowed.emplace_back(k.str());
  }
  KTSTR_TRY(r.check_keys(allowed));
  for (auto&& [k, v] : *t) {
    const std::string name(k.str());
    if (name == "payload" || name.substr(0, 8) == "payload.") {
      KTSTR_TRY(toml_detail::parse_payload_checks(name, v, top.file(), s.payload_checks));
      continue;
    }
    Status st;
    if (v.is_boolean()) {
      st = out.set_enabled(name, *v.value<bool>());
    } else if (v.is_integer() || v.is_floating_point()) {
      st = out.set_limit(name, *v.value<double>());
    } else {
      return r.type_error(name, "a number or true/false");
    }
    if (!st) return r.error(line_of(v), "[checks] " + st.error().message);
  }
  return {};
}

Status parse_header(const TableReader& r, Scenario& s) {
  auto name = r.required_str("name");
  if (!name) return unexpected(name.error());
  s.name = *name;
  auto desc = r.str("description");
  if (!desc) return unexpected(desc.error());
  s.description = desc->value_or("");
  auto cat = r.str("category");
  if (!cat) return unexpected(cat.error());
  s.category = cat->value_or("custom");
  auto dur = r.duration_ns("duration");
  if (!dur) return unexpected(dur.error());
  if (*dur) s.duration_ns = **dur;
  auto topo_text = r.str("topology");
  if (!topo_text) return unexpected(topo_text.error());
  if (*topo_text) {
    auto t = topo::TopologySpec::parse(**topo_text);
    if (!t) return r.error(r.key_line("topology"), "topology: " + t.error().message);
    s.topology = *t;
  }
  auto reqs = r.strings("requires");
  if (!reqs) return unexpected(reqs.error());
  for (const auto& text : reqs->value_or(std::vector<std::string>{})) {
    auto req = parse_requirement(text);
    if (!req) return r.error(r.key_line("requires"), "requires: " + req.error().message);
    s.requirements.push_back(*req);
  }
  auto def = r.boolean("default");
  if (!def) return unexpected(def.error());
  s.default_set = def->value_or(false);
  return {};
}

Result<Step> parse_step(const toml::table& t, const std::string& file) {
  TableReader r(t, "[[step]]", &file);
  KTSTR_TRY(r.check_keys({"name", "ops", "hold", "cgroup"}));
  Step st;
  st.line = r.line();
  auto name = r.str("name");
  if (!name) return unexpected(name.error());
  st.name = name->value_or("");
  auto ops = tables_of(r, "ops");
  if (!ops) return unexpected(ops.error());
  for (const toml::table* o : *ops) {
    auto op = toml_detail::parse_op(*o, file);
    if (!op) return unexpected(op.error());
    st.ops.push_back(std::move(*op));
  }
  if (const auto* h = r.raw("hold")) {
    auto hold = toml_detail::parse_hold(*h, file);
    if (!hold) return unexpected(hold.error());
    st.hold = *hold;
  }
  auto cgs = tables_of(r, "cgroup");
  if (!cgs) return unexpected(cgs.error());
  for (const toml::table* c : *cgs) {
    auto pc = toml_detail::parse_cgroup(*c, "[[step.cgroup]]", file, false);
    if (!pc) return unexpected(pc.error());
    if (!pc->parent.empty()) pc->def.name = pc->parent + "/" + pc->def.name;
    st.cgroups.push_back(std::move(pc->def));
  }
  return st;
}

}  // namespace

Result<Scenario> parse_scenario_toml(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return error_at(file, static_cast<int>(e.source().begin.line),
                    fmt::format("invalid TOML: {}", e.description()));
  }
  TableReader r(root, "the scenario file", &file);
  // Each section is parsed even when an earlier one failed, so one round
  // of fixes clears the file; cross-section checks need every part.
  std::vector<Error> problems;
  auto note = [&problems](const auto& result) {
    if (!result) problems.push_back(result.error());
    return static_cast<bool>(result);
  };
  note(r.check_keys(scenario_top_level_keys()));
  Scenario s;
  s.source = file;
  note(parse_header(r, s));
  std::vector<ParsedCgroup> cgs;
  if (auto cg_tables = tables_of(r, "cgroup"); note(cg_tables)) {
    for (const toml::table* t : *cg_tables) {
      auto pc = toml_detail::parse_cgroup(*t, "[[cgroup]]", file, false);
      if (note(pc)) cgs.push_back(std::move(*pc));
    }
  }
  if (auto steps = tables_of(r, "step"); note(steps)) {
    for (const toml::table* t : *steps) {
      auto st = parse_step(*t, file);
      if (note(st)) s.steps.push_back(std::move(*st));
    }
  }
  note(parse_checks(r, s));
  if (auto rel = tables_of(r, "check"); note(rel)) {
    for (const toml::table* t : *rel) {
      auto c = toml_detail::parse_relative_check(*t, file);
      if (note(c)) s.relative_checks.push_back(std::move(*c));
    }
  }
  note(toml_detail::parse_expectations(r, s));
  if (!problems.empty()) return unexpected(combine_problems(problems));
  KTSTR_TRY(resolve_parents(cgs, file));
  // Parents first, so creation order never depends on file order.
  std::stable_sort(cgs.begin(), cgs.end(), [](const auto& a, const auto& b) {
    return std::count(a.def.name.begin(), a.def.name.end(), '/') <
           std::count(b.def.name.begin(), b.def.name.end(), '/');
  });
  for (auto& pc : cgs) s.cgroups.push_back(std::move(pc.def));
  KTSTR_TRY(toml_detail::check_payload_names(s, file));
  KTSTR_TRY(validate(s));
  return s;
}

Result<Scenario> load_scenario_file(const std::string& path) {
  auto text = read_input_file(path, kScenarioFileMaxBytes, "scenario file");
  if (!text) return unexpected(text.error());
  return parse_scenario_toml(*text, path);
}

}  // namespace ktstr::scenario
