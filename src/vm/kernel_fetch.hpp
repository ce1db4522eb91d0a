// `ktstr kernel fetch`: Debian's 6.12 cloud kernel as the EEVDF test kernel.
// The package's ABI part changes with security updates, so the newest
// linux-image-6.12.*-cloud-amd64-unsigned is resolved with apt-cache at run
// time, downloaded (not installed) and its vmlinux extracted for PVH boot.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"
#include "vm/kernel_store.hpp"

namespace ktstr::vm {

struct FetchOptions {
  std::string cache_root;
  bool force = false;  // re-download even when cached
};

// The newest package name in `apt-cache search --names-only` output
// ("name - description" lines), comparing the numeric 6.12.N part.
std::optional<std::string> newest_cloud_image_package(std::string_view apt_cache_output);

// Downloads (or finds cached) the newest Debian cloud kernel.
Result<KernelInfo> fetch_debian_kernel(const FetchOptions& opts);

}  // namespace ktstr::vm
