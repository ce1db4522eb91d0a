// Human durations: "250ms", "10s", "1.5s", "2m", "100us", "500ns".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr {

// The longest duration accepted: 30 days. Sums and products of durations
// (repeats, VM budgets) stay far from uint64_t overflow.
inline constexpr uint64_t kMaxDurationNs = 30ULL * 24 * 3600 * 1000000000ULL;

// Parses into nanoseconds. A bare number is rejected (units are required)
// so "10" is never silently seconds or milliseconds; above kMaxDurationNs
// is kInvalidInput.
Result<uint64_t> parse_duration_ns(std::string_view text);
// Shortest exact rendering: 1500000000 -> "1.5s", 250000000 -> "250ms".
std::string format_duration_ns(uint64_t ns);

}  // namespace ktstr
