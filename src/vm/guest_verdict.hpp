// The guest init's verdict on one VM run, as its result document carries it
// ("verdict": "pass" | "fail" | "error") and VmResult hands it to callers.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace ktstr::vm {

// pass: the command ran and exited 0 under a healthy scheduler.
// fail: the command or the scheduler failed (exit status, timeout, stall).
// error: the run could not be judged (bad request, no result, VM trouble).
enum class GuestVerdict { kPass, kFail, kError };

std::string_view to_string(GuestVerdict v);
// The inverse; nullopt for any other text.
std::optional<GuestVerdict> parse_guest_verdict(std::string_view text);

// As its text (JSON result documents).
void to_json(nlohmann::json& j, GuestVerdict v);

}  // namespace ktstr::vm
