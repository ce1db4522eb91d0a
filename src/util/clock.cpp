#include "util/clock.hpp"

#include <elf.h>
#include <link.h>
#include <sys/auxv.h>

#include <cstring>

namespace ktstr::detail {
namespace {

// The vDSO's own clock_gettime, found by walking its ELF dynamic symbol
// table (the kernel maps the vDSO into every process and names it in the
// auxiliary vector). Null when anything is missing: then libc is used.
VdsoClockGettime find_vdso_clock_gettime() {
  const auto base = getauxval(AT_SYSINFO_EHDR);
  if (base == 0) return nullptr;
  // The one integer-to-pointer step: everything below is an offset into
  // the image the kernel mapped.
  const auto* image = reinterpret_cast<const char*>(base);  // NOLINT(performance-no-int-to-ptr)
  const auto* eh = reinterpret_cast<const ElfW(Ehdr)*>(image);
  if (std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) return nullptr;
  const auto* ph = reinterpret_cast<const ElfW(Phdr)*>(image + eh->e_phoff);
  // Virtual address v of the image sits at image + (v - vaddr_at_0).
  ElfW(Addr) vaddr_at_0 = 0;
  bool have_load = false;
  const ElfW(Dyn)* dyn = nullptr;
  for (int i = 0; i < eh->e_phnum; ++i) {
    if (ph[i].p_type == PT_LOAD && !have_load) {
      vaddr_at_0 = ph[i].p_vaddr - ph[i].p_offset;
      have_load = true;
    } else if (ph[i].p_type == PT_DYNAMIC) {
      dyn = reinterpret_cast<const ElfW(Dyn)*>(image + ph[i].p_offset);
    }
  }
  if (!have_load || dyn == nullptr) return nullptr;
  auto at = [&](ElfW(Addr) vaddr) { return image + (vaddr - vaddr_at_0); };
  const char* strtab = nullptr;
  const ElfW(Sym)* symtab = nullptr;
  const ElfW(Word)* hash = nullptr;
  for (; dyn->d_tag != DT_NULL; ++dyn) {
    if (dyn->d_tag == DT_STRTAB) strtab = at(dyn->d_un.d_ptr);
    if (dyn->d_tag == DT_SYMTAB) symtab = reinterpret_cast<const ElfW(Sym)*>(at(dyn->d_un.d_ptr));
    if (dyn->d_tag == DT_HASH) hash = reinterpret_cast<const ElfW(Word)*>(at(dyn->d_un.d_ptr));
  }
  if (strtab == nullptr || symtab == nullptr || hash == nullptr) return nullptr;
  const ElfW(Word) symbols = hash[1];  // nchain: one per symbol
  for (ElfW(Word) i = 0; i < symbols; ++i) {
    const auto& s = symtab[i];
    if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF) continue;
    if (std::strcmp(strtab + s.st_name, "__vdso_clock_gettime") == 0) {
      const auto entry = reinterpret_cast<uintptr_t>(at(s.st_value));
      return reinterpret_cast<VdsoClockGettime>(entry);  // NOLINT(performance-no-int-to-ptr)
    }
  }
  return nullptr;
}

}  // namespace

const VdsoClockGettime g_vdso_clock_gettime = find_vdso_clock_gettime();

}  // namespace ktstr::detail
