#include "workload/params.hpp"

#include <charconv>

#include "util/check.hpp"
#include "util/duration.hpp"
#include "util/worker_path.hpp"

namespace ktstr::workload {

KTSTR_WORKER_PATH const ParamValue* ParamValues::find(const std::string& name) const {
  for (const auto& [key, value] : values_) {
    if (key.size() != name.size()) continue;
    size_t i = 0;
    while (i < key.size() && key[i] == name[i]) ++i;
    if (i == key.size()) return &value;
  }
  return nullptr;
}

void ParamValues::set(const std::string& name, ParamValue v) {
  for (auto& [key, value] : values_) {
    if (key == name) {
      value = std::move(v);
      return;
    }
  }
  values_.emplace_back(name, std::move(v));
}

namespace {

template <class T>
KTSTR_WORKER_PATH const T& get_as(const ParamValue* v, const std::string& name) {
  KTSTR_CHECK(v != nullptr && std::holds_alternative<T>(*v), name.c_str());
  return *std::get_if<T>(v);
}

}  // namespace

KTSTR_WORKER_PATH int64_t ParamValues::get_int(const std::string& name) const {
  return get_as<int64_t>(find(name), name);
}
KTSTR_WORKER_PATH uint64_t ParamValues::get_ns(const std::string& name) const {
  return get_as<uint64_t>(find(name), name);
}
KTSTR_WORKER_PATH bool ParamValues::get_bool(const std::string& name) const {
  return get_as<bool>(find(name), name);
}
KTSTR_WORKER_PATH const std::string& ParamValues::get_str(const std::string& name) const {
  return get_as<std::string>(find(name), name);
}
KTSTR_WORKER_PATH const std::vector<std::string>& ParamValues::get_list(
    const std::string& name) const {
  return get_as<std::vector<std::string>>(find(name), name);
}

std::string kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::kInt:
      return "int";
    case ParamKind::kDuration:
      return "duration";
    case ParamKind::kBool:
      return "bool";
    case ParamKind::kChoice:
      return "choice";
    case ParamKind::kString:
      return "string";
    case ParamKind::kList:
      return "list";
  }
  return "?";
}

std::string format_param(const ParamValue& v, ParamKind k) {
  if (k == ParamKind::kDuration) return format_duration_ns(std::get<uint64_t>(v));
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* l = std::get_if<std::vector<std::string>>(&v)) {
    std::string out;
    for (const auto& e : *l) out += (out.empty() ? "" : ",") + e;
    return out;
  }
  return "";
}

namespace {

Result<ParamValue> parse_value(const std::string& wt, const ParamDef& d, const std::string& text) {
  auto bad = [&](const std::string& why) {
    return invalid_input(fmt::format("work type {}: param {}={}: {}", wt, d.name, text, why));
  };
  switch (d.kind) {
    case ParamKind::kInt: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size()) return bad("expected an integer");
      if (v < d.min || v > d.max) {
        return d.max == INT64_MAX ? bad(fmt::format("must be >= {}", d.min))
                                  : bad(fmt::format("must be in {}..{}", d.min, d.max));
      }
      return ParamValue{v};
    }
    case ParamKind::kDuration: {
      auto ns = parse_duration_ns(text);
      if (!ns) return bad("expected a duration with a unit, e.g. 100us, 5ms, 1s");
      if (*ns == 0 && d.min > 0) return bad("must be greater than zero");
      return ParamValue{*ns};
    }
    case ParamKind::kBool:
      if (text == "true" || text == "1" || text == "yes") return ParamValue{true};
      if (text == "false" || text == "0" || text == "no") return ParamValue{false};
      return bad("expected true or false");
    case ParamKind::kChoice: {
      for (const auto& c : d.choices) {
        if (c == text) return ParamValue{text};
      }
      std::string list;
      for (const auto& c : d.choices) list += (list.empty() ? "" : "|") + c;
      return bad("expected one of " + list);
    }
    case ParamKind::kString:
      return ParamValue{text};
    case ParamKind::kList: {
      std::vector<std::string> items;
      size_t pos = 0;
      while (pos <= text.size() && !text.empty()) {
        size_t next = text.find(',', pos);
        items.push_back(text.substr(pos, next == std::string::npos ? next : next - pos));
        if (next == std::string::npos) break;
        pos = next + 1;
      }
      return ParamValue{items};
    }
  }
  return bad("unsupported kind");
}

}  // namespace

Result<ParamValues> resolve_params(const std::string& work_type, const std::vector<ParamDef>& defs,
                                   const std::map<std::string, std::string>& overrides) {
  ParamValues out;
  for (const auto& [key, value] : overrides) {
    bool known = false;
    for (const auto& d : defs) known = known || d.name == key;
    if (!known) {
      std::string names;
      for (const auto& d : defs) names += (names.empty() ? "" : ", ") + d.name;
      return invalid_input(fmt::format("work type {} has no parameter '{}'; {}", work_type, key,
                                       names.empty() ? "it takes none" : "valid: " + names));
    }
  }
  for (const auto& d : defs) {
    auto it = overrides.find(d.name);
    const std::string& text = it == overrides.end() ? d.default_value : it->second;
    auto v = parse_value(work_type, d, text);
    if (!v) return unexpected(v.error());
    out.set(d.name, std::move(*v));
  }
  return out;
}

}  // namespace ktstr::workload
