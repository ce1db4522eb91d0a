// The shared-library closure of a dynamic ELF binary, for copying it into
// the guest's initramfs. We read PT_INTERP and the dynamic section
// (DT_NEEDED, DT_RUNPATH/DT_RPATH) ourselves instead of running ldd, so
// foreign or not-yet-executable binaries work too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

struct ElfDynamicInfo {
  std::string interpreter;           // PT_INTERP, empty for static binaries
  std::vector<std::string> needed;   // DT_NEEDED in order
  std::vector<std::string> runpath;  // DT_RUNPATH or else DT_RPATH, split on ':'
};

// Parses a 64-bit little-endian ELF image held in memory.
Result<ElfDynamicInfo> parse_elf_dynamic(std::string_view image, const std::string& name);
Result<ElfDynamicInfo> read_elf_dynamic(const std::string& path);

struct ElfDependency {
  std::string name;       // DT_NEEDED name ("libc.so.6") or the interpreter path
  std::string host_path;  // where it was found on this host
  bool interpreter = false;
};

// Library directories searched after the binary's runpath (the dynamic
// loader's built-in system path on Debian x86-64, then common extras).
std::vector<std::string> default_library_dirs();

// Every library `path` needs, transitively, plus its interpreter; each once.
// A missing library is an environment error naming it and the binary.
Result<std::vector<ElfDependency>> elf_dependency_closure(
    const std::string& path, const std::vector<std::string>& search_dirs = default_library_dirs());

}  // namespace ktstr::vm
