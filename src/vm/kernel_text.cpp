#include "vm/kernel_text.hpp"

#include <fmt/format.h>

namespace ktstr::vm {
namespace {

std::string human_size(uint64_t bytes) {
  if (bytes >= (1ULL << 30)) return fmt::format("{:.1f}G", static_cast<double>(bytes) / (1 << 30));
  return fmt::format("{:.0f}M", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

std::string render_kernel(const KernelInfo& k) {
  std::string out = fmt::format("{}\n  kind: {}\n  release: {}\n  boot image: {}\n", k.key, k.kind,
                                k.release, k.boot_image);
  if (!k.vmlinux.empty()) out += fmt::format("  vmlinux (with BTF): {}\n", k.vmlinux);
  for (const auto& [name, path] : k.schedulers) {
    out += fmt::format("  scheduler {}: {}\n", name, path);
  }
  return out;
}

std::string render_kernel_table(const std::vector<KernelInfo>& kernels) {
  std::string out = fmt::format("{:<30} {:<10} {:<24} {:>6}  {:<20} {}\n", "KEY", "KIND", "RELEASE",
                                "SIZE", "CREATED", "SCHEDULERS");
  for (const auto& k : kernels) {
    std::string scheds;
    for (const auto& [n, p] : k.schedulers) scheds += (scheds.empty() ? "" : ",") + n;
    out += fmt::format("{:<30} {:<10} {:<24} {:>6}  {:<20} {}\n", k.key, k.kind, k.release,
                       human_size(k.size_bytes), k.created, scheds.empty() ? "-" : scheds);
  }
  return out;
}

nlohmann::json kernels_to_json(const std::vector<KernelInfo>& kernels) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& k : kernels) {
    nlohmann::json s = nlohmann::json::object();
    for (const auto& [n, p] : k.schedulers) s[n] = p;
    arr.push_back({{"key", k.key},
                   {"kind", k.kind},
                   {"release", k.release},
                   {"version", k.version},
                   {"created", k.created},
                   {"dir", k.dir},
                   {"boot_image", k.boot_image},
                   {"vmlinux", k.vmlinux},
                   {"size_bytes", k.size_bytes},
                   {"schedulers", s}});
  }
  return arr;
}

}  // namespace ktstr::vm
