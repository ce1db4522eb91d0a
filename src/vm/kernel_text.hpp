// `ktstr kernel` output: one kernel's details, the cache listing as a
// table, and the listing as JSON (docs/vm.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vm/kernel_store.hpp"

namespace ktstr::vm {

// "<key>\n  kind: ...\n  release: ...": what fetch/build produced.
std::string render_kernel(const KernelInfo& k);

// Header + one row per kernel (sizes as "1.2G" / "345M").
std::string render_kernel_table(const std::vector<KernelInfo>& kernels);

nlohmann::json kernels_to_json(const std::vector<KernelInfo>& kernels);

}  // namespace ktstr::vm
