// The guest's initramfs: a cached base archive (ktstr as /init, busybox,
// the shared libraries and loader they need, device nodes) plus a small
// per-run archive (run request, scheduler binary and its extra libraries),
// concatenated into one initrd.
//
// Guest layout: /init, /bin/busybox, /bin/sh -> busybox, libraries in
// /lib/x86_64-linux-gnu (on the loader's built-in search path, since the
// guest has no ld.so.cache), the loader at its PT_INTERP path,
// /ktstr/request.json, /ktstr/bin/<scheduler>.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "vm/cpio.hpp"

namespace ktstr::vm {

inline constexpr const char* kGuestLibDir = "/lib/x86_64-linux-gnu";

struct BaseInputs {
  std::string init_binary;  // host path of ktstr (usually /proc/self/exe's target)
  std::string busybox;      // host path of a static busybox; empty: none
  bool strip_debug = true;  // objcopy --strip-debug the init binary (smaller, faster)
};

struct BaseArchive {
  std::string path;                   // cached .cpio
  std::set<std::string> guest_files;  // guest paths inside (to skip duplicates)
  uint64_t size_bytes = 0;
  bool cache_hit = false;
};

// Builds or reuses <cache>/initramfs/base-<hash>.cpio, hash over the inputs'
// content.
Result<BaseArchive> base_initramfs(const BaseInputs& in, const std::string& cache_root);

// Adds a host binary at `guest_path` and every library it needs that is not
// already in `present` (which is updated).
Status add_binary_with_libs(CpioWriter& w, const std::string& host_path,
                            const std::string& guest_path, std::set<std::string>& present);

// Writes base + `run_archive` (a finished CpioWriter's bytes) to `out_path`.
Status assemble_initrd(const std::string& base_path, const std::string& run_archive,
                       const std::string& out_path);

// The ktstr binary this process runs from.
Result<std::string> self_exe_path();

}  // namespace ktstr::vm
