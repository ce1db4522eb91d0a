// One spelling table per enum: the text a value has in JSON, TOML and on the
// command line, and the way back. Each enum that crosses a file or a layer
// as text declares one `constexpr EnumName<E> kTable[]` and derives its
// to_string/parse from it, so the two directions cannot disagree.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr {

template <class E>
struct EnumName {
  E value;
  const char* name;
};

// The name of `value`; `fallback` when the table lacks it.
template <class E>
constexpr std::string_view enum_name(std::span<const EnumName<E>> table, E value,
                                     std::string_view fallback = "?") {
  for (const auto& e : table) {
    if (e.value == value) return e.name;
  }
  return fallback;
}

// The value spelt `text`; nullopt for an unknown spelling.
template <class E>
constexpr std::optional<E> enum_from_name(std::span<const EnumName<E>> table,
                                          std::string_view text) {
  for (const auto& e : table) {
    if (text == e.name) return e.value;
  }
  return std::nullopt;
}

// Every spelling in table order (for "one of ..." messages and help).
template <class E>
std::vector<std::string> enum_names(std::span<const EnumName<E>> table) {
  std::vector<std::string> out;
  out.reserve(table.size());
  for (const auto& e : table) out.emplace_back(e.name);
  return out;
}

}  // namespace ktstr
