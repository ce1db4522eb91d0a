// The on-disk cache shared by kernel builds/fetches and initramfs archives:
// $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else ~/.cache/ktstr.
// Plus the small filesystem helpers the vm layer needs (content hashes,
// recursive mkdir/remove, an exclusive lock file, temp dirs).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::vm {

// Environment lookups behind a seam so tests resolve without touching HOME.
struct CacheEnv {
  std::string ktstr_cache_dir;  // $KTSTR_CACHE_DIR
  std::string xdg_cache_home;   // $XDG_CACHE_HOME
  std::string home;             // $HOME
  static CacheEnv from_process();
};

// The cache root for `env` (not created). Empty only when nothing is set.
std::string cache_root(const CacheEnv& env = CacheEnv::from_process());

// FNV-1a 64-bit; cache keys only, never security.
uint64_t fnv1a64(std::string_view data, uint64_t seed = 0xcbf29ce484222325ULL);
// Lowercase 16-digit hex.
std::string hex64(uint64_t v);
// fnv1a64 of a file's whole content, streamed.
Result<uint64_t> hash_file(const std::string& path);

// mkdir -p with mode 0755.
Status make_dirs(const std::string& path);
// rm -rf; a missing path is success. Does not follow symlinks.
Status remove_tree(const std::string& path);
// Size in bytes of everything under `path` (no symlink follow).
uint64_t tree_size_bytes(const std::string& path);
// Copies a regular file (content + mode).
Status copy_file(const std::string& from, const std::string& to);
bool path_exists(const std::string& path);

// Takes an exclusive flock on `path` (created), waiting for another holder.
// `waiting_note` is printed to stderr once if the lock is busy.
Result<UniqueFd> lock_exclusive(const std::string& path, const std::string& waiting_note);

// A directory under $TMPDIR (or /tmp) removed, with its content, when the
// object dies. Move-only. It carries an owner mark (vm/temp_cleanup.hpp) so
// it is removed later when its process was killed before it could.
class TempDir {
 public:
  static Result<TempDir> create(const std::string& prefix);
  TempDir() = default;
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir& operator=(TempDir&& o) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }
  // Keeps the directory on disk; returns its path.
  std::string release();

 private:
  explicit TempDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

}  // namespace ktstr::vm
