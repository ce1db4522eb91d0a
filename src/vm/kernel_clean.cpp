#include "vm/kernel_clean.hpp"

#include "vm/cache.hpp"
#include "vm/kernel_store.hpp"

namespace ktstr::vm {

Result<std::string> require_cache_root() {
  std::string root = cache_root();
  if (root.empty()) {
    return environment_error("no cache directory: set KTSTR_CACHE_DIR, XDG_CACHE_HOME or HOME");
  }
  return root;
}

Status remove_cached_kernels(const std::string& root, const std::vector<std::string>& keys,
                             bool all, const std::function<void(const std::string&)>& on_removed) {
  std::vector<std::string> targets = keys;
  if (all) {
    for (const auto& k : list_kernels(root)) targets.push_back(k.key);
  }
  for (const auto& key : targets) {
    std::string dir = kernels_dir(root) + "/" + key;
    if (key.find('/') != std::string::npos || !path_exists(dir)) {
      return invalid_input("no such cached kernel (see `ktstr kernel list`)", key);
    }
    if (auto st = remove_tree(dir); !st) return unexpected(st.error());
    on_removed(dir);
  }
  if (all) {
    (void)remove_tree(root + "/build");
    (void)remove_tree(root + "/initramfs");
  }
  return {};
}

}  // namespace ktstr::vm
