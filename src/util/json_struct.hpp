// JSON helpers for plain result structs.
//
// - std::optional<T> (de)serialises as the value or null; an optional
//   ErrorKind as its text or "" (results.md "error_kind"; unknown text reads
//   as runtime).
// - KTSTR_JSON_STRUCT(Type, fields...) defines the (non-inline) to_json /
//   from_json declared next to Type: one key per field, named like the field;
//   from_json keeps a field's default when its key is missing, so readers
//   accept documents written before a field existed.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "util/error_kind.hpp"

namespace nlohmann {

template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (j.is_null()) {
      v.reset();
    } else {
      v = j.get<T>();
    }
  }
};

template <>
struct adl_serializer<std::optional<ktstr::ErrorKind>> {
  static void to_json(json& j, const std::optional<ktstr::ErrorKind>& k) {
    j = std::string(ktstr::to_string(k));
  }
  static void from_json(const json& j, std::optional<ktstr::ErrorKind>& k) {
    const std::string text = j.is_null() ? "" : j.get<std::string>();
    k = text.empty()
            ? std::nullopt
            : std::optional(ktstr::parse_error_kind(text).value_or(ktstr::ErrorKind::kRuntime));
  }
};

}  // namespace nlohmann

// KTSTR_JSON_STRUCT's two halves, for a to_json/from_json that does more
// than its field list says (scenario/result.cpp). The enclosing function's
// parameters must be named `j` (the JSON) and `t` (the struct); reading
// gives every field whose key is missing its value in a default `Type`.
#define KTSTR_JSON_WRITE_ONE(field) j[#field] = t.field;
#define KTSTR_JSON_READ_ONE(field) t.field = j.value(#field, ktstr_json_defaults.field);
#define KTSTR_JSON_WRITE_FIELDS(...) \
  NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(KTSTR_JSON_WRITE_ONE, __VA_ARGS__))
#define KTSTR_JSON_READ_FIELDS(Type, ...)                                       \
  do {                                                                          \
    const Type ktstr_json_defaults{};                                           \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(KTSTR_JSON_READ_ONE, __VA_ARGS__)) \
  } while (0)

#define KTSTR_JSON_STRUCT(Type, ...)                                                        \
  void to_json(nlohmann::json& nlohmann_json_j, const Type& nlohmann_json_t) {              \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))                \
  }                                                                                         \
  void from_json(const nlohmann::json& nlohmann_json_j, Type& nlohmann_json_t) {            \
    const Type nlohmann_json_default_obj{};                                                 \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_FROM_WITH_DEFAULT, __VA_ARGS__)) \
  }
