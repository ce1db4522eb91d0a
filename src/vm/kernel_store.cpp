#include "vm/kernel_store.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "util/file_io.hpp"
#include "vm/cache.hpp"

namespace ktstr::vm {
namespace {

std::string rel(const std::string& dir, const std::string& path) {
  if (path.empty()) return {};
  if (path.rfind(dir + "/", 0) == 0) return path.substr(dir.size() + 1);
  return path;
}

std::string abs_in(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return dir + "/" + path;
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A kernel build tree given as --kernel DIR.
Result<KernelInfo> kernel_from_tree(const std::string& tree) {
  KernelInfo k;
  k.kind = kKindPath;
  k.version = tree;
  k.vmlinux = tree + "/vmlinux";
  if (!is_file(k.vmlinux)) {
    return environment_error("no vmlinux in this kernel tree; build it first (make vmlinux)", 0,
                             tree);
  }
  k.boot_image = k.vmlinux;
  if (is_file(tree + "/arch/x86/boot/bzImage")) k.bzimage = tree + "/arch/x86/boot/bzImage";
  if (is_file(tree + "/.config")) k.config = tree + "/.config";
  if (auto rel_file = read_file(tree + "/include/config/kernel.release")) {
    k.release = *rel_file;
    while (!k.release.empty() && k.release.back() == '\n') k.release.pop_back();
  }
  std::string bin = tree + "/tools/sched_ext/build/bin";
  if (DIR* d = ::opendir(bin.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("scx_", 0) == 0) k.schedulers[n] = bin + "/" + n;
    }
    ::closedir(d);
  }
  return k;
}

void fill_from_json(const nlohmann::json& j, const std::string& dir, KernelInfo& k) {
  k.kind = j.value("kind", "");
  k.release = j.value("release", "");
  k.version = j.value("version", "");
  k.created = j.value("created", "");
  k.boot_image = abs_in(dir, j.value("boot_image", ""));
  k.vmlinux = abs_in(dir, j.value("vmlinux", ""));
  k.bzimage = abs_in(dir, j.value("bzimage", ""));
  k.config = abs_in(dir, j.value("config", ""));
  if (j.contains("schedulers") && j["schedulers"].is_object()) {
    for (auto& [name, path] : j["schedulers"].items()) {
      if (path.is_string()) k.schedulers[name] = abs_in(dir, path.get<std::string>());
    }
  }
}

}  // namespace

std::string kernels_dir(const std::string& cache_root) {
  return cache_root + "/kernels";
}

std::string utc_now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<KernelInfo> load_kernel_info(const std::string& dir) {
  auto text = read_file(dir + "/meta.json");
  if (!text) return unexpected(text.error());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error(ErrorKind::kEnvironment,
                      "corrupt kernel cache entry; remove it with `ktstr kernel clean`", 0,
                      dir + "/meta.json");
  }
  KernelInfo k;
  k.dir = dir;
  k.key = dir.substr(dir.rfind('/') + 1);
  try {
    fill_from_json(j, dir, k);
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kEnvironment,
                      fmt::format("corrupt kernel cache entry ({}); remove it with `ktstr kernel "
                                  "clean`",
                                  e.what()),
                      0, dir + "/meta.json");
  }
  k.size_bytes = tree_size_bytes(dir);
  return k;
}

Status save_kernel_info(const KernelInfo& k) {
  nlohmann::json j = {{"kind", k.kind},
                      {"release", k.release},
                      {"version", k.version},
                      {"created", k.created},
                      {"boot_image", rel(k.dir, k.boot_image)},
                      {"vmlinux", rel(k.dir, k.vmlinux)},
                      {"bzimage", rel(k.dir, k.bzimage)},
                      {"config", rel(k.dir, k.config)}};
  nlohmann::json s = nlohmann::json::object();
  for (const auto& [name, path] : k.schedulers) s[name] = rel(k.dir, path);
  j["schedulers"] = s;
  return write_file_atomic(k.dir + "/meta.json", j.dump(2) + "\n");
}

std::vector<KernelInfo> list_kernels(const std::string& cache_root) {
  std::vector<KernelInfo> out;
  std::string dir = kernels_dir(cache_root);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.empty() || n[0] == '.' || n.find(".partial") != std::string::npos) continue;
    names.push_back(n);
  }
  ::closedir(d);
  for (const auto& n : names) {
    if (!is_file(dir + "/" + n + "/meta.json")) continue;
    if (auto k = load_kernel_info(dir + "/" + n)) out.push_back(std::move(*k));
  }
  std::sort(out.begin(), out.end(), [](const KernelInfo& a, const KernelInfo& b) {
    return a.created != b.created ? a.created > b.created : a.key < b.key;
  });
  return out;
}

Result<KernelInfo> resolve_kernel(const std::string& spec, const std::string& cache_root,
                                  const std::string& preferred_key) {
  auto cached = list_kernels(cache_root);
  auto newest_of = [&](const std::string& kind) -> const KernelInfo* {
    if (kind == kKindSchedExt && !preferred_key.empty()) {
      for (const auto& k : cached) {
        if (k.key == preferred_key) return &k;
      }
    }
    for (const auto& k : cached) {
      if (k.kind == kind) return &k;
    }
    return nullptr;
  };
  if (spec.empty() || spec == "auto") {
    if (auto* k = newest_of(kKindSchedExt)) return *k;
    if (auto* k = newest_of(kKindDebian)) return *k;
    return environment_error(
        "no test kernel in the cache; run `ktstr kernel build` (sched_ext kernel, ~10 min) or "
        "`ktstr kernel fetch` (Debian kernel, EEVDF only)",
        0, kernels_dir(cache_root));
  }
  if (spec == kKindSchedExt || spec == "sched_ext" || spec == "scx") {
    if (auto* k = newest_of(kKindSchedExt)) return *k;
    return environment_error("no sched_ext kernel in the cache; run `ktstr kernel build`", 0,
                             kernels_dir(cache_root));
  }
  if (spec == kKindDebian) {
    if (auto* k = newest_of(kKindDebian)) return *k;
    return environment_error("no Debian kernel in the cache; run `ktstr kernel fetch`", 0,
                             kernels_dir(cache_root));
  }
  for (const auto& k : cached) {
    if (k.key == spec) return k;
  }
  if (is_dir(spec)) return kernel_from_tree(spec);
  if (is_file(spec)) {
    KernelInfo k;
    k.kind = kKindPath;
    k.boot_image = spec;
    k.version = spec;
    return k;
  }
  return environment_error(
      "no such kernel: expected sched-ext, debian, auto, a cached key (`ktstr kernel list`), a "
      "vmlinux/bzImage file or a built kernel tree",
      0, spec);
}

}  // namespace ktstr::vm
