#include "vm/elf_deps.hpp"

#include <elf.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "util/file_io.hpp"

namespace ktstr::vm {
namespace {

template <class T>
bool load(std::string_view img, uint64_t off, T& out) {
  if (off > img.size() || img.size() - off < sizeof(T)) return false;
  std::memcpy(&out, img.data() + off, sizeof(T));
  return true;
}

// File offset of virtual address `vaddr`, through the PT_LOAD segments.
bool vaddr_to_offset(const std::vector<Elf64_Phdr>& phdrs, uint64_t vaddr, uint64_t& off) {
  for (const auto& ph : phdrs) {
    if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz) {
      off = vaddr - ph.p_vaddr + ph.p_offset;
      return true;
    }
  }
  return false;
}

std::string c_string_at(std::string_view img, uint64_t off) {
  if (off >= img.size()) return {};
  size_t end = img.find('\0', off);
  return std::string(img.substr(off, end == std::string_view::npos ? end : end - off));
}

std::vector<std::string> split_colon(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(':', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void read_dynamic(std::string_view img, const Elf64_Phdr& dyn, const std::vector<Elf64_Phdr>& phdrs,
                  ElfDynamicInfo& info) {
  std::vector<uint64_t> needed_offs;
  uint64_t strtab_vaddr = 0, runpath = 0, rpath = 0;
  bool has_runpath = false, has_rpath = false;
  for (uint64_t off = dyn.p_offset; off + sizeof(Elf64_Dyn) <= dyn.p_offset + dyn.p_filesz;
       off += sizeof(Elf64_Dyn)) {
    Elf64_Dyn d{};
    if (!load(img, off, d) || d.d_tag == DT_NULL) break;
    if (d.d_tag == DT_NEEDED) needed_offs.push_back(d.d_un.d_val);
    if (d.d_tag == DT_STRTAB) strtab_vaddr = d.d_un.d_ptr;
    if (d.d_tag == DT_RUNPATH) has_runpath = true, runpath = d.d_un.d_val;
    if (d.d_tag == DT_RPATH) has_rpath = true, rpath = d.d_un.d_val;
  }
  uint64_t strtab = 0;
  if (!vaddr_to_offset(phdrs, strtab_vaddr, strtab)) return;
  for (uint64_t n : needed_offs) info.needed.push_back(c_string_at(img, strtab + n));
  if (has_runpath)
    info.runpath = split_colon(c_string_at(img, strtab + runpath));
  else if (has_rpath)
    info.runpath = split_colon(c_string_at(img, strtab + rpath));
}

}  // namespace

Result<ElfDynamicInfo> parse_elf_dynamic(std::string_view img, const std::string& name) {
  Elf64_Ehdr eh{};
  if (!load(img, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return invalid_input("not an ELF file", name);
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return invalid_input("only 64-bit little-endian ELF binaries are supported", name);
  }
  std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    if (!load(img, eh.e_phoff + uint64_t{i} * eh.e_phentsize, phdrs[i])) {
      return invalid_input("truncated program headers", name);
    }
  }
  ElfDynamicInfo info;
  for (const auto& ph : phdrs) {
    if (ph.p_type == PT_INTERP) info.interpreter = c_string_at(img, ph.p_offset);
    if (ph.p_type == PT_DYNAMIC) read_dynamic(img, ph, phdrs, info);
  }
  return info;
}

Result<ElfDynamicInfo> read_elf_dynamic(const std::string& path) {
  auto img = read_file(path);
  if (!img) return unexpected(img.error());
  return parse_elf_dynamic(*img, path);
}

std::vector<std::string> default_library_dirs() {
  return {"/lib/x86_64-linux-gnu",
          "/usr/lib/x86_64-linux-gnu",
          "/lib64",
          "/usr/lib64",
          "/lib",
          "/usr/lib",
          "/usr/local/lib"};
}

Result<std::vector<ElfDependency>> elf_dependency_closure(
    const std::string& path, const std::vector<std::string>& search_dirs) {
  std::vector<ElfDependency> out;
  std::set<std::string> seen;
  std::vector<std::string> todo{path};
  while (!todo.empty()) {
    std::string bin = todo.back();
    todo.pop_back();
    auto info = read_elf_dynamic(bin);
    if (!info) return unexpected(info.error());
    if (!info->interpreter.empty() && seen.insert(info->interpreter).second) {
      out.push_back({info->interpreter, info->interpreter, true});
    }
    std::string origin = bin.substr(0, bin.rfind('/'));
    for (const auto& lib : info->needed) {
      if (!seen.insert(lib).second) continue;
      std::vector<std::string> dirs;
      for (auto d : info->runpath) {
        if (d.rfind("$ORIGIN", 0) == 0) d = origin + d.substr(7);
        dirs.push_back(d);
      }
      dirs.insert(dirs.end(), search_dirs.begin(), search_dirs.end());
      std::string found;
      for (const auto& d : dirs) {
        std::string cand = lib.find('/') != std::string::npos ? lib : d + "/" + lib;
        if (::access(cand.c_str(), R_OK) == 0) {
          found = cand;
          break;
        }
      }
      if (found.empty()) {
        return environment_error(
            fmt::format("shared library {} not found (needed by {})", lib, bin), 0, path);
      }
      out.push_back({lib, found, false});
      todo.push_back(found);
    }
  }
  return out;
}

}  // namespace ktstr::vm
