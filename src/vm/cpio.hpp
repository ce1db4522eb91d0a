// A writer for the "newc" cpio format the kernel unpacks as initramfs.
//
// Entries are deterministic (inode numbers from 1, mtime 0, uid/gid 0) so
// the same inputs give the same bytes and archives can be cached by
// content. Concatenated archives are valid initramfs: the kernel keeps
// unpacking after each TRAILER!!!, so a cached base archive plus a small
// per-run archive is one initrd.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace ktstr::vm {

class CpioWriter {
 public:
  // Paths are absolute in the guest ("/bin/sh"); missing parent
  // directories are added (0755) automatically.
  void add_dir(const std::string& path, uint32_t mode = 0755);
  void add_file(const std::string& path, std::string_view data, uint32_t mode = 0644);
  void add_symlink(const std::string& path, const std::string& target);
  void add_char_device(const std::string& path, uint32_t major, uint32_t minor,
                       uint32_t mode = 0600);
  // Appends the trailer; the writer must not be used afterwards.
  void finish();

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void add_parents(const std::string& path);
  void add_entry(const std::string& path, uint32_t mode, std::string_view data, uint32_t rmajor,
                 uint32_t rminor);

  std::string out_;
  std::set<std::string> dirs_;
  uint32_t next_ino_ = 1;
};

}  // namespace ktstr::vm
