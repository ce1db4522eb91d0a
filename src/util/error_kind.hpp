// ErrorKind as text: the one spelling results, JUnit and the terminal use.
#pragma once

#include <optional>
#include <string_view>

#include "util/result.hpp"

namespace ktstr {

// "invalid_input", "environment", "runtime".
std::string_view to_string(ErrorKind k);
// "" for no error (how results write an absent kind).
std::string_view to_string(const std::optional<ErrorKind>& k);
// The inverse of to_string(ErrorKind); nullopt for any other text.
std::optional<ErrorKind> parse_error_kind(std::string_view text);

}  // namespace ktstr
