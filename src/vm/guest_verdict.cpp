#include "vm/guest_verdict.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "util/enum_names.hpp"

namespace ktstr::vm {

namespace {
constexpr EnumName<GuestVerdict> kGuestVerdictNames[] = {
    {GuestVerdict::kPass, "pass"}, {GuestVerdict::kFail, "fail"}, {GuestVerdict::kError, "error"}};
}  // namespace

std::string_view to_string(GuestVerdict v) {
  return enum_name<GuestVerdict>(kGuestVerdictNames, v, "error");
}

std::optional<GuestVerdict> parse_guest_verdict(std::string_view text) {
  return enum_from_name<GuestVerdict>(kGuestVerdictNames, text);
}

void to_json(nlohmann::json& j, GuestVerdict v) {
  j = std::string(to_string(v));
}

}  // namespace ktstr::vm
