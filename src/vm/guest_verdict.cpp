#include "vm/guest_verdict.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace ktstr::vm {

std::string_view to_string(GuestVerdict v) {
  switch (v) {
    case GuestVerdict::kPass:
      return "pass";
    case GuestVerdict::kFail:
      return "fail";
    case GuestVerdict::kError:
      return "error";
  }
  return "error";
}

std::optional<GuestVerdict> parse_guest_verdict(std::string_view text) {
  for (auto v : {GuestVerdict::kPass, GuestVerdict::kFail, GuestVerdict::kError}) {
    if (text == to_string(v)) return v;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& j, GuestVerdict v) {
  j = std::string(to_string(v));
}

}  // namespace ktstr::vm
