// CPU and node lists in the kernel's list format ("0-3,5,7-9").
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr {

using CpuSet = std::set<int>;

// The largest CPU number a list may name: Linux's NR_CPUS is at most 8192.
// A bigger number is a typo, and expanding "0-2147483647" would exhaust
// memory.
inline constexpr int kMaxCpuId = 8191;

// Parses "0-3,5" (whitespace and a trailing newline tolerated; "" = empty).
// Numbers above kMaxCpuId are kInvalidInput.
Result<CpuSet> parse_cpu_list(std::string_view text);
// Formats with ranges collapsed: {0,1,2,3,5} -> "0-3,5"; empty -> "".
std::string format_cpu_list(const CpuSet& cpus);

}  // namespace ktstr
