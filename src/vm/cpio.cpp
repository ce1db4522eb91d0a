#include "vm/cpio.hpp"

#include <sys/stat.h>

#include <fmt/core.h>

namespace ktstr::vm {
namespace {

void pad4(std::string& out) {
  while (out.size() % 4 != 0) out.push_back('\0');
}

std::string strip_root(const std::string& path) {
  size_t i = 0;
  while (i < path.size() && path[i] == '/') ++i;
  return path.substr(i);
}

}  // namespace

void CpioWriter::add_entry(const std::string& path, uint32_t mode, std::string_view data,
                           uint32_t rmajor, uint32_t rminor) {
  std::string name = path == "TRAILER!!!" ? path : strip_root(path);
  uint32_t ino = name == "TRAILER!!!" ? 0 : next_ino_++;
  uint32_t nlink = S_ISDIR(mode) ? 2 : 1;
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
  // rdevmajor, rdevminor, namesize (with NUL), check
  out_ += fmt::format(
      "070701{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}"
      "{:08x}{:08x}",
      ino, mode, 0, 0, nlink, 0, data.size(), 0, 0, rmajor, rminor, name.size() + 1, 0);
  out_ += name;
  out_.push_back('\0');
  pad4(out_);
  out_.append(data);
  pad4(out_);
}

void CpioWriter::add_parents(const std::string& path) {
  std::string p = strip_root(path);
  for (size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
    std::string dir = p.substr(0, slash);
    if (dirs_.insert(dir).second) add_entry(dir, S_IFDIR | 0755, {}, 0, 0);
  }
}

void CpioWriter::add_dir(const std::string& path, uint32_t mode) {
  add_parents(path);
  if (dirs_.insert(strip_root(path)).second) add_entry(path, S_IFDIR | mode, {}, 0, 0);
}

void CpioWriter::add_file(const std::string& path, std::string_view data, uint32_t mode) {
  add_parents(path);
  add_entry(path, S_IFREG | mode, data, 0, 0);
}

void CpioWriter::add_symlink(const std::string& path, const std::string& target) {
  add_parents(path);
  add_entry(path, S_IFLNK | 0777, target, 0, 0);
}

void CpioWriter::add_char_device(const std::string& path, uint32_t major, uint32_t minor,
                                 uint32_t mode) {
  add_parents(path);
  add_entry(path, S_IFCHR | mode, {}, major, minor);
}

void CpioWriter::finish() {
  add_entry("TRAILER!!!", 0, {}, 0, 0);
}

}  // namespace ktstr::vm
