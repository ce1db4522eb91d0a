// Parsers for the small sysfs files the topology reader uses. They take the
// file's text so unit tests feed them strings; CPU lists use
// util/cpu_list.hpp. Errors are kInvalidInput describing the text; the
// reader turns them into environment errors naming the file.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace ktstr::topo {

// One decimal integer, optionally negative (physical_package_id can be -1),
// surrounding whitespace allowed: "3\n".
Result<int> parse_sysfs_int(std::string_view text);

// MemTotal of a node's meminfo ("Node 0 MemTotal:  5466324 kB") in bytes.
Result<uint64_t> parse_node_memtotal_bytes(std::string_view meminfo);

// A node's distance file: space-separated distances, one per online node in
// node-id order ("10 21\n").
Result<std::vector<int>> parse_distances(std::string_view text);

}  // namespace ktstr::topo
