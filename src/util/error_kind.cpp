#include "util/error_kind.hpp"

namespace ktstr {

std::string_view to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::kInvalidInput:
      return "invalid_input";
    case ErrorKind::kEnvironment:
      return "environment";
    case ErrorKind::kRuntime:
      return "runtime";
  }
  return "runtime";
}

std::string_view to_string(const std::optional<ErrorKind>& k) {
  return k ? to_string(*k) : std::string_view();
}

std::optional<ErrorKind> parse_error_kind(std::string_view text) {
  for (auto k : {ErrorKind::kInvalidInput, ErrorKind::kEnvironment, ErrorKind::kRuntime}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

}  // namespace ktstr
