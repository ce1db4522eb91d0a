// CPU and node lists in the kernel's list format ("0-3,5,7-9").
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr {

using CpuSet = std::set<int>;

// Parses "0-3,5" (whitespace and a trailing newline tolerated; "" = empty).
Result<CpuSet> parse_cpu_list(std::string_view text);
// Formats with ranges collapsed: {0,1,2,3,5} -> "0-3,5"; empty -> "".
std::string format_cpu_list(const CpuSet& cpus);

}  // namespace ktstr
