// `ktstr kernel clean`: removing cached kernels by key, or all of them with
// the build and initramfs leftovers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

// The cache root (vm/cache.hpp), or an environment error saying which
// variables to set when there is none.
Result<std::string> require_cache_root();

// Removes the kernels `keys` (and every cached kernel when `all`, plus
// <root>/build and <root>/initramfs), calling on_removed with each removed
// directory. An unknown key is invalid input; removal stops at the first
// error (what was removed before stays removed).
Status remove_cached_kernels(const std::string& cache_root, const std::vector<std::string>& keys,
                             bool all, const std::function<void(const std::string&)>& on_removed);

}  // namespace ktstr::vm
