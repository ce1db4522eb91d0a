// Human durations: "250ms", "10s", "1.5s", "2m", "100us", "500ns".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr {

// Parses into nanoseconds. A bare number is rejected (units are required)
// so "10" is never silently seconds or milliseconds.
Result<uint64_t> parse_duration_ns(std::string_view text);
// Shortest exact rendering: 1500000000 -> "1.5s", 250000000 -> "250ms".
std::string format_duration_ns(uint64_t ns);

}  // namespace ktstr
