#include "util/error_kind.hpp"

#include "util/enum_names.hpp"

namespace ktstr {

namespace {
constexpr EnumName<ErrorKind> kErrorKindNames[] = {{ErrorKind::kInvalidInput, "invalid_input"},
                                                   {ErrorKind::kEnvironment, "environment"},
                                                   {ErrorKind::kRuntime, "runtime"}};
}  // namespace

std::string_view to_string(ErrorKind k) {
  return enum_name<ErrorKind>(kErrorKindNames, k, "runtime");
}

std::string_view to_string(const std::optional<ErrorKind>& k) {
  return k ? to_string(*k) : std::string_view();
}

std::optional<ErrorKind> parse_error_kind(std::string_view text) {
  return enum_from_name<ErrorKind>(kErrorKindNames, text);
}

}  // namespace ktstr
