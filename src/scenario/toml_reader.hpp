// A thin, line-aware reader over toml++ tables for the scenario loader:
// typed getters whose errors name the file, line and key, and a key check
// that rejects unknown keys with a "did you mean" suggestion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "util/result.hpp"

namespace ktstr::scenario::toml_detail {

int line_of(const toml::node& n);

class TableReader {
 public:
  // `where` words the table in messages ("[[cgroup]]", "op 'spawn'").
  TableReader(const toml::table& t, std::string where, const std::string* file);

  // Fails on the first key not in `allowed`, at that key's line.
  Status check_keys(const std::vector<std::string>& allowed) const;

  bool has(std::string_view key) const { return t_.contains(key); }
  const toml::node* raw(std::string_view key) const { return t_.get(key); }
  int line() const { return line_of(t_); }
  int key_line(std::string_view key) const;
  const toml::table& table() const { return t_; }
  const std::string& where() const { return where_; }
  const std::string& file() const { return *file_; }

  Result<std::optional<std::string>> str(std::string_view key) const;
  Result<std::optional<int64_t>> integer(std::string_view key) const;
  Result<std::optional<double>> number(std::string_view key) const;  // integer or float
  Result<std::optional<bool>> boolean(std::string_view key) const;
  // A human duration string ("250ms", "3s").
  Result<std::optional<uint64_t>> duration_ns(std::string_view key) const;
  // A string or an array of strings.
  Result<std::optional<std::vector<std::string>>> strings(std::string_view key) const;

  Result<std::string> required_str(std::string_view key) const;

  // An error at `line` ("<file>:<line>" as context).
  Unexpected<Error> error(int line, std::string message) const;
  Unexpected<Error> type_error(std::string_view key, const char* expected) const;

 private:
  const toml::table& t_;
  std::string where_;
  const std::string* file_;
};

// "string", "integer", "table", ... for messages.
const char* type_name(const toml::node& n);

// Error helper shared with the loader.
Unexpected<Error> error_at(const std::string& file, int line, std::string message);

}  // namespace ktstr::scenario::toml_detail
