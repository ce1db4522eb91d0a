#include "scenario/toml_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "util/duration.hpp"
#include "util/suggest.hpp"

namespace ktstr::scenario::toml_detail {

int line_of(const toml::node& n) {
  return static_cast<int>(n.source().begin.line);
}

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date/time";
  }
}

Unexpected<Error> error_at(const std::string& file, int line, std::string message) {
  return invalid_input(std::move(message), line > 0 ? fmt::format("{}:{}", file, line) : file);
}

TableReader::TableReader(const toml::table& t, std::string where, const std::string* file)
    : t_(t), where_(std::move(where)), file_(file) {}

Unexpected<Error> TableReader::error(int line, std::string message) const {
  return error_at(*file_, line, std::move(message));
}

int TableReader::key_line(std::string_view key) const {
  for (auto&& [k, v] : t_) {
    if (k.str() == key) return static_cast<int>(k.source().begin.line);
  }
  return line();
}

Status TableReader::check_keys(const std::vector<std::string>& allowed) const {
  std::vector<std::pair<int, Error>> unknown;  // by line
  for (auto&& [k, v] : t_) {
    const std::string_view name = k.str();
    if (std::find(allowed.begin(), allowed.end(), std::string(name)) != allowed.end()) continue;
    std::string hint = did_you_mean(name, allowed);
    if (hint.empty()) {
      hint = allowed.empty() ? " (it takes no keys)"
                             : fmt::format(" (valid keys: {})", fmt::join(allowed, ", "));
    }
    const int line = static_cast<int>(k.source().begin.line);
    unknown.emplace_back(
        line, error(line, fmt::format("unknown key '{}' in {}{}", name, where_, hint)).value);
  }
  if (unknown.empty()) return {};
  // toml++ keeps keys sorted by name; users read files by line.
  std::stable_sort(unknown.begin(), unknown.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Error> all;
  for (auto& u : unknown) all.push_back(std::move(u.second));
  return unexpected(combine_problems(all));
}

Unexpected<Error> TableReader::type_error(std::string_view key, const char* expected) const {
  const toml::node* n = t_.get(key);
  return error(n ? line_of(*n) : line(),
               fmt::format("key '{}' in {} must be {}, got {}", key, where_, expected,
                           n ? type_name(*n) : "nothing"));
}

Result<std::optional<std::string>> TableReader::str(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (n == nullptr) return std::optional<std::string>();
  if (auto v = n->value<std::string>()) return std::optional<std::string>(*v);
  return type_error(key, "a string");
}

Result<std::optional<int64_t>> TableReader::integer(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (n == nullptr) return std::optional<int64_t>();
  if (n->is_integer()) return std::optional<int64_t>(*n->value<int64_t>());
  return type_error(key, "an integer");
}

Result<std::optional<double>> TableReader::number(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (n == nullptr) return std::optional<double>();
  if (n->is_integer() || n->is_floating_point()) return std::optional<double>(*n->value<double>());
  return type_error(key, "a number");
}

Result<std::optional<bool>> TableReader::boolean(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (n == nullptr) return std::optional<bool>();
  if (n->is_boolean()) return std::optional<bool>(*n->value<bool>());
  return type_error(key, "true or false");
}

Result<std::optional<uint64_t>> TableReader::duration_ns(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (n == nullptr) return std::optional<uint64_t>();
  auto s = n->value<std::string>();
  if (!s) return type_error(key, "a duration string such as \"250ms\" or \"3s\"");
  auto ns = parse_duration_ns(*s);
  if (!ns) {
    return error(line_of(*n), fmt::format("key '{}' in {}: {}", key, where_, ns.error().message));
  }
  return std::optional<uint64_t>(*ns);
}

Result<std::optional<std::vector<std::string>>> TableReader::strings(std::string_view key) const {
  using Out = std::optional<std::vector<std::string>>;
  const toml::node* n = t_.get(key);
  if (n == nullptr) return Out();
  if (auto s = n->value<std::string>()) return Out(std::vector<std::string>{*s});
  const toml::array* a = n->as_array();
  if (a == nullptr) return type_error(key, "a string or an array of strings");
  std::vector<std::string> out;
  for (const auto& e : *a) {
    auto s = e.value<std::string>();
    if (!s) {
      return error(line_of(e), fmt::format("key '{}' in {} must list strings, got {}", key, where_,
                                           type_name(e)));
    }
    out.push_back(*s);
  }
  return Out(std::move(out));
}

Result<std::string> TableReader::required_str(std::string_view key) const {
  auto v = str(key);
  if (!v) return unexpected(v.error());
  if (!*v) return error(line(), fmt::format("{} needs key '{}'", where_, key));
  return **v;
}

}  // namespace ktstr::scenario::toml_detail
