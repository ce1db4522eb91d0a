#include "vm/initramfs.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <utility>
#include <vector>

#include "util/file_io.hpp"
#include "vm/cache.hpp"
#include "vm/elf_deps.hpp"
#include "vm/process.hpp"

namespace ktstr::vm {
namespace {

constexpr const char* kBaseFormat = "base-v1";
// Every rebuilt ktstr binary makes a new base archive; keep only a few.
constexpr size_t kKeepBaseArchives = 4;

void prune_old_archives(const std::string& dir, const std::string& keep) {
  std::vector<std::pair<time_t, std::string>> found;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("base-", 0) != 0 || dir + "/" + n == keep) continue;
      struct stat st {};
      if (::stat((dir + "/" + n).c_str(), &st) == 0) found.emplace_back(st.st_mtime, n);
    }
    ::closedir(d);
  }
  std::sort(found.rbegin(), found.rend());
  for (size_t i = kKeepBaseArchives - 1; i < found.size(); ++i) {
    ::unlink((dir + "/" + found[i].second).c_str());
  }
}

std::string guest_lib_path(const ElfDependency& d) {
  if (d.interpreter) return d.name;  // the loader must be where PT_INTERP says
  return std::string(kGuestLibDir) + "/" + d.name.substr(d.name.rfind('/') + 1);
}

void add_skeleton(CpioWriter& w) {
  for (const char* d :
       {"/bin", "/dev", "/proc", "/sys", "/tmp", "/run", "/root", "/etc", "/ktstr", kGuestLibDir}) {
    w.add_dir(d);
  }
  // Enough to talk to the console before devtmpfs is mounted over /dev.
  w.add_char_device("/dev/console", 5, 1);
  w.add_char_device("/dev/null", 1, 3, 0666);
  w.add_char_device("/dev/ttyS0", 4, 64, 0620);
  w.add_char_device("/dev/ttyS1", 4, 65, 0620);
}

Result<std::string> init_image(const BaseInputs& in, const std::string& work_dir) {
  if (!in.strip_debug) return read_file(in.init_binary);
  std::string stripped = work_dir + "/init.stripped";
  CommandOptions opts;
  opts.quiet_stderr = true;
  auto r = run_command({"objcopy", "--strip-debug", in.init_binary, stripped}, opts);
  if (!r || !r->ok()) return read_file(in.init_binary);  // unstripped still works
  return read_file(stripped);
}

// Adds each library not yet in `present` at its guest path.
Status add_libraries(CpioWriter& w, const std::vector<ElfDependency>& deps,
                     std::set<std::string>& present) {
  for (const auto& d : deps) {
    std::string gp = guest_lib_path(d);
    if (!present.insert(gp).second) continue;
    auto lib = read_file(d.host_path);
    if (!lib) return unexpected(lib.error());
    w.add_file(gp, *lib, 0755);
  }
  return {};
}

}  // namespace

Result<std::string> self_exe_path() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return sys_error("cannot resolve /proc/self/exe");
  return std::string(buf, static_cast<size_t>(n));
}

Status add_binary_with_libs(CpioWriter& w, const std::string& host_path,
                            const std::string& guest_path, std::set<std::string>& present) {
  auto data = read_file(host_path);
  if (!data) return unexpected(data.error());
  w.add_file(guest_path, *data, 0755);
  present.insert(guest_path);
  auto deps = elf_dependency_closure(host_path);
  if (!deps) return unexpected(deps.error());
  return add_libraries(w, *deps, present);
}

Result<BaseArchive> base_initramfs(const BaseInputs& in, const std::string& cache_root) {
  auto init_hash = hash_file(in.init_binary);
  if (!init_hash) return unexpected(init_hash.error());
  uint64_t h = fnv1a64(kBaseFormat, *init_hash);
  if (!in.busybox.empty()) {
    auto bb = hash_file(in.busybox);
    if (!bb) {
      return environment_error("busybox not found; run scripts/setup (busybox-static)", 0,
                               in.busybox);
    }
    h = fnv1a64(hex64(*bb), h);
  }
  h = fnv1a64(in.strip_debug ? "strip" : "full", h);
  BaseArchive out;
  std::string dir = cache_root + "/initramfs";
  out.path = dir + "/base-" + hex64(h) + ".cpio";
  // The guest file list is cheap to recompute and needed on a hit too.
  auto deps = elf_dependency_closure(in.init_binary);
  if (!deps) return unexpected(deps.error());
  out.guest_files = {"/init"};
  for (const auto& d : *deps) out.guest_files.insert(guest_lib_path(d));
  if (path_exists(out.path)) {
    out.cache_hit = true;
    out.size_bytes = tree_size_bytes(out.path);
    return out;
  }
  KTSTR_TRY(make_dirs(dir));
  auto tmp = TempDir::create("ktstr-initramfs-");
  if (!tmp) return unexpected(tmp.error());
  CpioWriter w;
  add_skeleton(w);
  auto init = init_image(in, tmp->path());
  if (!init) return unexpected(init.error());
  w.add_file("/init", *init, 0755);
  std::set<std::string> present{"/init"};
  KTSTR_TRY(add_libraries(w, *deps, present));
  if (!in.busybox.empty()) {
    KTSTR_TRY(add_binary_with_libs(w, in.busybox, "/bin/busybox", present));
    w.add_symlink("/bin/sh", "busybox");
    out.guest_files.insert(present.begin(), present.end());
  }
  w.finish();
  KTSTR_TRY(write_file_atomic(out.path, w.bytes()));
  out.size_bytes = w.bytes().size();
  prune_old_archives(dir, out.path);
  return out;
}

Status assemble_initrd(const std::string& base_path, const std::string& run_archive,
                       const std::string& out_path) {
  auto base = read_file(base_path);
  if (!base) return unexpected(base.error());
  return write_file_atomic(out_path, *base + run_archive);
}

}  // namespace ktstr::vm
