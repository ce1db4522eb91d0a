// `ktstr kernel build`: a small sched_ext kernel plus the tree's example
// schedulers (scx_simple, scx_qmap, scx_central, scx_flatcg) as fixtures.
//
// Recipe: make tinyconfig; merge kernel/configs/kvm_guest.config and our
// fragment (configs/sched_ext.config, embedded in the binary); olddefconfig;
// check the fragment survived (CONFIG_SCHED_CLASS_EXT=y is mandatory);
// make bzImage; objcopy --strip-debug vmlinux for fast PVH boot (the
// unstripped one is kept for BTF/symbols); make -C tools/sched_ext.
// The result is cached under <cache>/kernels/<key>, key = hash of source
// identity + fragment + recipe version; a lock file serialises concurrent
// builds of the same key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "vm/kernel_store.hpp"

namespace ktstr::vm {

inline constexpr const char* kDefaultKernelSource = "/usr/src/linux-source-6.12.tar.xz";

struct BuildOptions {
  std::string cache_root;
  std::string source;         // tarball or kernel tree; empty: kDefaultKernelSource
  std::string fragment_path;  // empty: the embedded configs/sched_ext.config
  bool force = false;         // rebuild even when cached
  bool keep_tree = false;     // keep the extracted tarball tree after success
  int jobs = 0;               // make -j; 0: number of online CPUs
};

// The fragment compiled into this binary.
std::string_view embedded_sched_ext_fragment();

// The cache key the build with `opts` would produce (no building).
Result<std::string> sched_ext_build_key(const BuildOptions& opts);

// Options of `fragment` ("CONFIG_X=v" lines and "# CONFIG_X is not set")
// whose value in `dot_config` differs, as "CONFIG_X: wanted v, got w".
std::vector<std::string> config_mismatches(std::string_view fragment, std::string_view dot_config);

// Builds (or finds cached) the sched_ext kernel and its schedulers.
Result<KernelInfo> build_sched_ext_kernel(const BuildOptions& opts);

}  // namespace ktstr::vm
