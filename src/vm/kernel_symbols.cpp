#include "vm/kernel_symbols.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "util/file_io.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::vm {
namespace {

template <class T>
bool read_at(std::string_view image, uint64_t off, T& out) {
  if (off > image.size() || image.size() - off < sizeof(T)) return false;
  std::memcpy(&out, image.data() + off, sizeof(T));
  return true;
}

// A read-only mapping of a whole file (vmlinux with debug info is large:
// map it rather than read it).
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  static Result<MappedFile> open(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return sys_error("cannot open", path);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || st.st_size <= 0) return sys_error("cannot stat", path);
    MappedFile m;
    m.size_ = static_cast<size_t>(st.st_size);
    void* p = ::mmap(nullptr, m.size_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (p == MAP_FAILED) return sys_error("cannot map", path);
    m.data_ = p;
    return m;
  }
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr; }
  MappedFile& operator=(MappedFile&&) = delete;
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

void KernelSymbols::sort() {
  std::sort(syms_.begin(), syms_.end(), [](const Sym& a, const Sym& b) { return a.addr < b.addr; });
}

KernelSymbols KernelSymbols::from_system_map(std::string_view text) {
  KernelSymbols out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 + 3 > line.size() || line[sp1 + 2] != ' ') continue;
    const char type = line[sp1 + 1];
    if (type != 't' && type != 'T' && type != 'w' && type != 'W') continue;
    uint64_t addr = 0;
    try {
      addr = std::stoull(std::string(line.substr(0, sp1)), nullptr, 16);
    } catch (const std::exception&) {
      continue;
    }
    out.syms_.push_back({addr, std::string(line.substr(sp1 + 3))});
  }
  out.sort();
  return out;
}

Result<KernelSymbols> KernelSymbols::from_elf(std::string_view image, const std::string& name) {
  Elf64_Ehdr eh{};
  if (!read_at(image, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr)) {
    return make_error(ErrorKind::kRuntime, "not a 64-bit ELF file", 0, name);
  }
  KernelSymbols out;
  for (uint16_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh{};
    if (!read_at(image, eh.e_shoff + uint64_t{i} * sizeof sh, sh)) break;
    if (sh.sh_type != SHT_SYMTAB) continue;
    Elf64_Shdr strtab{};
    if (!read_at(image, eh.e_shoff + uint64_t{sh.sh_link} * sizeof sh, strtab)) break;
    if (strtab.sh_offset > image.size() || image.size() - strtab.sh_offset < strtab.sh_size) break;
    const std::string_view strings = image.substr(strtab.sh_offset, strtab.sh_size);
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym s{};
      if (!read_at(image, sh.sh_offset + off, s)) break;
      if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_value == 0 || s.st_name >= strings.size()) {
        continue;
      }
      const std::string_view rest = strings.substr(s.st_name);
      out.syms_.push_back({s.st_value, std::string(rest.substr(0, rest.find('\0')))});
    }
  }
  if (out.syms_.empty()) return make_error(ErrorKind::kRuntime, "no symbol table", 0, name);
  out.sort();
  return out;
}

Result<KernelSymbols> KernelSymbols::load(const std::string& vmlinux) {
  const std::string map = vmlinux.substr(0, vmlinux.rfind('/') + 1) + "System.map";
  if (auto text = read_file(map)) return from_system_map(*text);
  auto file = MappedFile::open(vmlinux);
  if (!file) return unexpected(file.error());
  return from_elf(file->view(), vmlinux);
}

std::string KernelSymbols::resolve(uint64_t addr) const {
  auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                             [](uint64_t a, const Sym& s) { return a < s.addr; });
  if (it == syms_.begin()) return {};
  --it;
  return fmt::format("{}+{:#x}", it->name, addr - it->addr);
}

}  // namespace ktstr::vm
