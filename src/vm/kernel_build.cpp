#include "vm/kernel_build.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "util/input_file.hpp"
#include "vm/cache.hpp"
#include "vm/process.hpp"
#include "vm/sched_ext_config_data.hpp"

namespace ktstr::vm {
namespace {

// Bump when the recipe changes in a way that changes the produced kernel.
constexpr const char* kRecipeVersion = "recipe-1";

// Without these the VM cannot boot or the fixtures cannot attach.
constexpr const char* kMandatory[] = {
    "CONFIG_SCHED_CLASS_EXT",     "CONFIG_BPF_SYSCALL", "CONFIG_DEBUG_INFO_BTF", "CONFIG_PVH",
    "CONFIG_SERIAL_8250_CONSOLE", "CONFIG_DEVTMPFS",    "CONFIG_BLK_DEV_INITRD", "CONFIG_SMP"};

std::map<std::string, std::string> parse_config(std::string_view text) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# CONFIG_", 0) == 0 && line.find(" is not set") != std::string::npos) {
      out[line.substr(2, line.find(' ', 2) - 2)] = "n";
    } else if (line.rfind("CONFIG_", 0) == 0 && line.find('=') != std::string::npos) {
      size_t eq = line.find('=');
      out[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return out;
}

std::string fmt_secs(uint64_t ns) {
  return fmt::format("{:.0f}s", static_cast<double>(ns) / 1e9);
}

std::string last_log_line(const std::string& log) {
  auto text = read_file(log);
  if (!text || text->empty()) return {};
  std::string t = *text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

// Runs one long build step with a start line, heartbeat lines and a result
// line, all naming the log.
Status run_step(const std::string& what, const std::vector<std::string>& argv,
                const std::string& cwd, const std::string& log) {
  fmt::print(stderr, "ktstr: {} (log: {})\n", what, log);
  uint64_t t0 = mono_ns();
  CommandOptions opts;
  opts.cwd = cwd;
  opts.log_path = log;
  opts.heartbeat_ms = 60000;
  opts.heartbeat = [&](uint64_t elapsed_ms) {
    fmt::print(stderr, "ktstr:   ... {} still running ({}s; last: {})\n", what, elapsed_ms / 1000,
               last_log_line(log));
  };
  auto r = run_command(argv, opts);
  if (!r) return unexpected(r.error());
  if (!r->ok()) {
    return make_error(ErrorKind::kRuntime,
                      fmt::format("{} failed (`{}` exit {}); see the log, last line: {}", what,
                                  shell_join(argv), r->exit_code, last_log_line(log)),
                      0, log);
  }
  fmt::print(stderr, "ktstr:   {} done in {}\n", what, fmt_secs(mono_ns() - t0));
  return {};
}

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : p;
}

Result<std::string> fragment_text(const BuildOptions& opts) {
  if (opts.fragment_path.empty()) return std::string(embedded_sched_ext_fragment());
  return read_input_file(opts.fragment_path, kConfigFragmentMaxBytes, "config fragment");
}

bool is_tarball(const std::string& source) {
  struct stat st {};
  return ::stat(source.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Extracts the tarball once into `build_dir`; returns the tree inside.
Result<std::string> prepare_tree(const std::string& tarball, const std::string& build_dir,
                                 const std::string& log) {
  std::string marker = build_dir + "/.ktstr-extracted";
  if (!path_exists(marker)) {
    KTSTR_TRY(remove_tree(build_dir));
    KTSTR_TRY(make_dirs(build_dir));
    KTSTR_TRY(run_step("extracting " + tarball, {"tar", "-xf", tarball, "-C", build_dir}, build_dir,
                       log));
    KTSTR_TRY(write_file_atomic(marker, "ok\n"));
  }
  if (DIR* d = ::opendir(build_dir.c_str())) {
    std::string found;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n[0] != '.' && path_exists(build_dir + "/" + n + "/Makefile")) found = n;
    }
    ::closedir(d);
    if (!found.empty()) return build_dir + "/" + found;
  }
  return environment_error("the tarball holds no kernel tree (no */Makefile)", 0, tarball);
}

Status configure(const std::string& tree, const std::string& fragment, const std::string& log) {
  std::string frag_path = tree + "/.ktstr-fragment.config";
  KTSTR_TRY(write_file_atomic(frag_path, fragment));
  KTSTR_TRY(run_step("make tinyconfig", {"make", "tinyconfig"}, tree, log));
  KTSTR_TRY(run_step("merging kvm_guest.config + sched_ext fragment",
                     {"scripts/kconfig/merge_config.sh", "-m", ".config",
                      "kernel/configs/kvm_guest.config", frag_path},
                     tree, log));
  KTSTR_TRY(run_step("make olddefconfig", {"make", "olddefconfig"}, tree, log));
  auto dot = read_file(tree + "/.config");
  if (!dot) return unexpected(dot.error());
  auto mismatches = config_mismatches(fragment, *dot);
  for (const auto& m : mismatches) {
    for (const char* must : kMandatory) {
      if (m.rfind(std::string(must) + ":", 0) == 0) {
        return environment_error(
            fmt::format("{} did not survive olddefconfig ({}); this tree cannot run sched_ext "
                        "tests (needs Linux >= 6.12 and its dependencies: BPF, BTF, pahole)",
                        must, m),
            0, tree + "/.config");
      }
    }
    fmt::print(stderr, "ktstr:   note: fragment option not applied: {}\n", m);
  }
  return {};
}

}  // namespace

std::string_view embedded_sched_ext_fragment() {
  return kSchedExtConfigFragment;
}

std::vector<std::string> config_mismatches(std::string_view fragment, std::string_view dot_config) {
  auto want = parse_config(fragment);
  auto have = parse_config(dot_config);
  std::vector<std::string> out;
  for (const auto& [name, value] : want) {
    auto it = have.find(name);
    std::string got = it == have.end() ? "n" : it->second;
    if (got != value) {
      out.push_back(fmt::format("{}: wanted {}, got {}", name, value,
                                it == have.end() ? std::string("unset") : got));
    }
  }
  return out;
}

Result<std::string> sched_ext_build_key(const BuildOptions& opts) {
  std::string source = opts.source.empty() ? kDefaultKernelSource : opts.source;
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) {
    return environment_error(
        "kernel source not found; install linux-source-6.12 (scripts/setup) or pass --source "
        "DIR|TARBALL",
        errno, source);
  }
  auto frag = fragment_text(opts);
  if (!frag) return unexpected(frag.error());
  std::string identity = real_path(source);
  if (S_ISREG(st.st_mode)) {
    identity += fmt::format(" size={} mtime={}", st.st_size, st.st_mtim.tv_sec);
  }
  std::string material = fmt::format("{}\n{}\n{}", kRecipeVersion, identity, *frag);
  return "sched-ext-" + hex64(fnv1a64(material)).substr(0, 12);
}

}  // namespace ktstr::vm

namespace ktstr::vm {
namespace {

Status collect_artifacts(const std::string& tree, const std::string& entry, const std::string& log,
                         KernelInfo& k) {
  KTSTR_TRY(make_dirs(entry + "/schedulers"));
  k.vmlinux = entry + "/vmlinux";
  KTSTR_TRY(copy_file(tree + "/vmlinux", k.vmlinux));
  k.boot_image = entry + "/vmlinux.boot";
  KTSTR_TRY(run_step("objcopy --strip-debug vmlinux (fast-boot image)",
                     {"objcopy", "--strip-debug", k.vmlinux, k.boot_image}, tree, log));
  k.bzimage = entry + "/bzImage";
  KTSTR_TRY(copy_file(tree + "/arch/x86/boot/bzImage", k.bzimage));
  k.config = entry + "/config";
  KTSTR_TRY(copy_file(tree + "/.config", k.config));
  if (auto rel = read_file(tree + "/include/config/kernel.release")) {
    k.release = rel->substr(0, rel->find('\n'));
  }
  std::string bin = tree + "/tools/sched_ext/build/bin";
  if (DIR* d = ::opendir(bin.c_str())) {
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("scx_", 0) == 0) names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names) {
      KTSTR_TRY(copy_file(bin + "/" + n, entry + "/schedulers/" + n));
      k.schedulers[n] = entry + "/schedulers/" + n;
    }
  }
  if (k.schedulers.count("scx_simple") == 0) {
    return make_error(ErrorKind::kRuntime, "tools/sched_ext produced no scx_simple", 0, bin);
  }
  return {};
}

Result<std::string> kernel_version(const std::string& tree) {
  CommandOptions opts;
  opts.cwd = tree;
  opts.capture_stdout = true;
  opts.quiet_stderr = true;
  auto r = run_command({"make", "-s", "kernelversion"}, opts);
  if (!r) return unexpected(r.error());
  std::string v = r->stdout_text.substr(0, r->stdout_text.find('\n'));
  return v.empty() ? std::string("unknown") : v;
}

// Configure + compile + collect into `partial`.
Status build_into(const std::string& tree, const std::string& fragment, int jobs,
                  const std::string& partial, const std::string& log, KernelInfo& k) {
  if (path_exists(tree + "/.config") && !path_exists(tree + "/.ktstr-fragment.config")) {
    KTSTR_TRY(copy_file(tree + "/.config", tree + "/.config.before-ktstr"));
    fmt::print(stderr, "ktstr: saved the tree's .config as .config.before-ktstr\n");
  }
  KTSTR_TRY(configure(tree, fragment, log));
  std::string j = fmt::format("-j{}", jobs);
  KTSTR_TRY(run_step("make bzImage (about 8 min on 2 CPUs)", {"make", j, "bzImage"}, tree, log));
  KTSTR_TRY(run_step("building tools/sched_ext schedulers",
                     {"make", j, "-C", "tools/sched_ext", "CLANG=clang-16", "LLC=llc-16",
                      "LLVM_STRIP=llvm-strip-16"},
                     tree, log));
  auto version = kernel_version(tree);
  k.version = version ? *version : "unknown";
  return collect_artifacts(tree, partial, log, k);
}

}  // namespace

Result<KernelInfo> build_sched_ext_kernel(const BuildOptions& opts) {
  auto key = sched_ext_build_key(opts);
  if (!key) return unexpected(key.error());
  auto fragment = fragment_text(opts);
  if (!fragment) return unexpected(fragment.error());
  std::string source = opts.source.empty() ? kDefaultKernelSource : opts.source;
  bool tarball = is_tarball(source);
  std::string dir = kernels_dir(opts.cache_root);
  KTSTR_TRY(make_dirs(dir));
  KTSTR_TRY(make_dirs(opts.cache_root + "/logs"));
  auto lock = lock_exclusive(dir + "/." + *key + ".lock",
                             "ktstr: another ktstr is building this kernel; waiting for it");
  if (!lock) return unexpected(lock.error());
  std::string entry = dir + "/" + *key;
  // A tree may have changed since the last build: rebuild it (make is
  // incremental). A tarball is immutable for its size+mtime in the key.
  if (tarball && !opts.force && path_exists(entry + "/meta.json")) {
    fmt::print(stderr, "ktstr: sched_ext kernel {} is cached ({})\n", *key, entry);
    return load_kernel_info(entry);
  }
  std::string log = opts.cache_root + "/logs/" + *key + "-build.log";
  (void)remove_tree(log);
  uint64_t t0 = mono_ns();
  std::string build_dir = opts.cache_root + "/build/" + *key;
  std::string tree = source;
  if (tarball) {
    auto t = prepare_tree(source, build_dir, log);
    if (!t) return unexpected(t.error());
    tree = *t;
  }
  int jobs = opts.jobs > 0 ? opts.jobs : static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::string partial = entry + ".partial";
  KTSTR_TRY(remove_tree(partial));
  KTSTR_TRY(make_dirs(partial));
  KernelInfo k;
  k.key = *key;
  k.kind = kKindSchedExt;
  k.created = utc_now_iso();
  k.dir = partial;
  if (auto st = build_into(tree, *fragment, jobs, partial, log, k); !st) {
    (void)remove_tree(partial);
    return unexpected(st.error());
  }
  KTSTR_TRY(save_kernel_info(k));
  KTSTR_TRY(remove_tree(entry));
  if (std::rename(partial.c_str(), entry.c_str()) != 0) return sys_error("rename failed", entry);
  if (tarball && !opts.keep_tree) (void)remove_tree(build_dir);
  fmt::print(stderr, "ktstr: built sched_ext kernel {} ({}, schedulers: {}) in {}\n", *key,
             k.release, k.schedulers.size(), fmt_secs(mono_ns() - t0));
  return load_kernel_info(entry);
}

}  // namespace ktstr::vm
