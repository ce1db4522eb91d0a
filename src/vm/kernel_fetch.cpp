#include "vm/kernel_fetch.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <sstream>
#include <tuple>

#include "util/clock.hpp"
#include "vm/cache.hpp"
#include "vm/process.hpp"
#include "vm/vmlinux_extract.hpp"

namespace ktstr::vm {
namespace {

const std::regex kPackageRe(R"(^linux-image-6\.12\.(\d+)\+deb(\d+)(u\d+)?-cloud-amd64-unsigned$)");

// Lists `dir` entries starting with `prefix`.
std::vector<std::string> entries_with_prefix(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind(prefix, 0) == 0) out.push_back(n);
    }
    ::closedir(d);
  }
  return out;
}

Result<std::string> resolve_package() {
  CommandOptions opts;
  opts.capture_stdout = true;
  auto r = run_command(
      {"apt-cache", "search", "--names-only", R"(^linux-image-6\.12\..*-cloud-amd64-unsigned$)"},
      opts);
  if (!r) return unexpected(r.error());
  auto pkg = newest_cloud_image_package(r->stdout_text);
  if (!pkg) {
    return environment_error(
        "apt-cache knows no linux-image-6.12.*-cloud-amd64-unsigned package; enable "
        "bookworm-security in the apt sources and run `apt-get update`");
  }
  return *pkg;
}

// apt-get download + dpkg-deb -x + vmlinux extraction into `entry`.
Status download_into(const std::string& pkg, const std::string& entry, const std::string& log,
                     KernelInfo& k) {
  auto tmp = TempDir::create("ktstr-fetch-");
  if (!tmp) return unexpected(tmp.error());
  CommandOptions in_tmp;
  in_tmp.cwd = tmp->path();
  in_tmp.log_path = log;
  auto dl = run_command({"apt-get", "download", pkg}, in_tmp);
  if (!dl) return unexpected(dl.error());
  if (!dl->ok()) {
    return environment_error(
        fmt::format("apt-get download {} failed; see {} (network? run "
                    "`apt-get update`)",
                    pkg, log));
  }
  auto debs = entries_with_prefix(tmp->path(), "linux-image-");
  if (debs.empty()) return environment_error("apt-get download produced no .deb", 0, tmp->path());
  std::string root = tmp->path() + "/root";
  auto x = run_command({"dpkg-deb", "-x", tmp->path() + "/" + debs.front(), root}, in_tmp);
  if (!x) return unexpected(x.error());
  if (!x->ok()) return environment_error("dpkg-deb -x failed; see " + log);
  auto images = entries_with_prefix(root + "/boot", "vmlinuz-");
  if (images.empty()) return environment_error("package has no /boot/vmlinuz-*", 0, pkg);
  k.release = images.front().substr(std::string("vmlinuz-").size());
  k.bzimage = entry + "/bzImage";
  KTSTR_TRY(copy_file(root + "/boot/" + images.front(), k.bzimage));
  if (path_exists(root + "/boot/config-" + k.release)) {
    k.config = entry + "/config";
    KTSTR_TRY(copy_file(root + "/boot/config-" + k.release, k.config));
  }
  k.boot_image = entry + "/vmlinux.boot";
  return extract_vmlinux(k.bzimage, k.boot_image, tmp->path());
}

}  // namespace

std::optional<std::string> newest_cloud_image_package(std::string_view apt_cache_output) {
  std::istringstream in{std::string(apt_cache_output)};
  std::string line;
  std::optional<std::string> best;
  std::tuple<int, int, int> best_ver{-1, -1, -1};
  while (std::getline(in, line)) {
    std::string name = line.substr(0, line.find(' '));
    std::smatch m;
    if (!std::regex_match(name, m, kPackageRe)) continue;
    int update = m[3].matched ? std::stoi(m[3].str().substr(1)) : 0;
    std::tuple<int, int, int> ver{std::stoi(m[1].str()), std::stoi(m[2].str()), update};
    if (ver > best_ver) {
      best_ver = ver;
      best = name;
    }
  }
  return best;
}

Result<KernelInfo> fetch_debian_kernel(const FetchOptions& opts) {
  auto pkg = resolve_package();
  if (!pkg) return unexpected(pkg.error());
  // linux-image-6.12.117+deb12-cloud-amd64-unsigned -> debian-6.12.117+deb12
  std::string version = pkg->substr(std::string("linux-image-").size());
  version = version.substr(0, version.find("-cloud"));
  std::string key = "debian-" + version;
  std::string dir = kernels_dir(opts.cache_root);
  KTSTR_TRY(make_dirs(dir));
  auto lock = lock_exclusive(dir + "/." + key + ".lock",
                             "ktstr: another ktstr is fetching this kernel; waiting");
  if (!lock) return unexpected(lock.error());
  std::string entry = dir + "/" + key;
  if (!opts.force && path_exists(entry + "/meta.json")) {
    fmt::print(stderr, "ktstr: {} is cached ({})\n", *pkg, entry);
    return load_kernel_info(entry);
  }
  std::string partial = entry + ".partial";
  KTSTR_TRY(remove_tree(partial));
  KTSTR_TRY(make_dirs(partial));
  uint64_t t0 = mono_ns();
  std::string log = opts.cache_root + "/logs/" + key + "-fetch.log";
  KTSTR_TRY(make_dirs(opts.cache_root + "/logs"));
  (void)remove_tree(log);
  fmt::print(stderr, "ktstr: fetching {} (log: {})\n", *pkg, log);
  KernelInfo k;
  k.key = key;
  k.kind = kKindDebian;
  k.version = version;
  k.created = utc_now_iso();
  k.dir = partial;
  if (auto st = download_into(*pkg, partial, log, k); !st) {
    (void)remove_tree(partial);
    return unexpected(st.error());
  }
  KTSTR_TRY(save_kernel_info(k));
  KTSTR_TRY(remove_tree(entry));
  if (std::rename(partial.c_str(), entry.c_str()) != 0) return sys_error("rename failed", entry);
  fmt::print(stderr, "ktstr: fetched {} (release {}) in {:.1f}s\n", *pkg, k.release,
             static_cast<double>(mono_ns() - t0) / 1e9);
  return load_kernel_info(entry);
}

}  // namespace ktstr::vm
