// Address -> kernel symbol, from System.map text or a vmlinux's ELF symbol
// table (the cached sched_ext builds keep an unstripped vmlinux). For hang
// evidence: a vCPU's RIP as "function+0xoffset".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

class KernelSymbols {
 public:
  // "ffffffff81000000 T _stext" lines; only text symbols (t/T/w/W) count.
  static KernelSymbols from_system_map(std::string_view text);
  // SHT_SYMTAB of a 64-bit little-endian ELF image; FUNC symbols.
  static Result<KernelSymbols> from_elf(std::string_view image, const std::string& name);
  // <dir of vmlinux>/System.map when present, else the vmlinux's symtab.
  static Result<KernelSymbols> load(const std::string& vmlinux);

  // "name+0xoff" of the nearest symbol at or below `addr`; empty when
  // `addr` is below every symbol or the table is empty.
  std::string resolve(uint64_t addr) const;
  size_t size() const { return syms_.size(); }

 private:
  void sort();
  struct Sym {
    uint64_t addr;
    std::string name;
  };
  std::vector<Sym> syms_;
};

}  // namespace ktstr::vm
