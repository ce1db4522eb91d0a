// Cached test kernels: <cache>/kernels/<key>/ with a meta.json describing
// the images inside, plus resolution of the user's --kernel argument.
//
// Layout of one entry:
//   meta.json        this KernelInfo (paths relative to the entry)
//   vmlinux.boot     what QEMU boots (PVH ELF; debug-stripped for speed)
//   vmlinux          unstripped vmlinux (BTF, symbols) when we built it
//   bzImage, config  the compressed image and .config it came from
//   schedulers/      fixture sched_ext schedulers built from the same tree
// Entries appear atomically (built in <key>.partial, then renamed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

inline constexpr const char* kKindSchedExt = "sched-ext";
inline constexpr const char* kKindDebian = "debian";
inline constexpr const char* kKindPath = "path";

struct KernelInfo {
  std::string key;         // entry name under kernels/ (empty for a user path)
  std::string kind;        // kKindSchedExt, kKindDebian or kKindPath
  std::string release;     // the guest's `uname -r`, e.g. "6.12.117-scx"
  std::string version;     // source or package version it came from
  std::string dir;         // entry directory (empty for a user path)
  std::string boot_image;  // absolute path QEMU boots with -kernel
  std::string vmlinux;     // unstripped vmlinux, may be empty
  std::string bzimage;     // may be empty
  std::string config;      // .config, may be empty
  std::map<std::string, std::string> schedulers;  // "scx_simple" -> absolute path
  std::string created;                            // UTC, ISO 8601
  uint64_t size_bytes = 0;                        // whole entry on disk (filled by list/load)
};

std::string kernels_dir(const std::string& cache_root);

// Reads <dir>/meta.json. Paths come back absolute.
Result<KernelInfo> load_kernel_info(const std::string& dir);
// Writes <info.dir>/meta.json with paths relative to info.dir.
Status save_kernel_info(const KernelInfo& info);

// Complete entries, newest first. Partial or unreadable entries are skipped.
std::vector<KernelInfo> list_kernels(const std::string& cache_root);

// Resolves --kernel: "sched-ext" (prefer `preferred_key` if cached, else the
// newest), "debian" (newest fetched), "auto"/"" (sched-ext, else debian), or a
// path: a vmlinux/bzImage file, or a built kernel tree (its vmlinux and
// tools/sched_ext/build/bin). Missing kernels are environment errors that
// say which `ktstr kernel` command provides them.
Result<KernelInfo> resolve_kernel(const std::string& spec, const std::string& cache_root,
                                  const std::string& preferred_key = {});

// Current UTC time as ISO 8601 ("2025-01-31T12:00:00Z").
std::string utc_now_iso();

}  // namespace ktstr::vm
