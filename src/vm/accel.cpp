#include "vm/accel.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "util/unique_fd.hpp"

namespace ktstr::vm {
namespace {

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

Result<Accel> parse_accel(const std::string& text) {
  if (text == "auto" || text.empty()) return Accel::kAuto;
  if (text == "kvm") return Accel::kKvm;
  if (text == "tcg") return Accel::kTcg;
  return invalid_input(fmt::format("unknown accelerator '{}' (auto, kvm or tcg)", text), "--accel");
}

const char* accel_name(Accel a) {
  switch (a) {
    case Accel::kAuto:
      return "auto";
    case Accel::kKvm:
      return "kvm";
    case Accel::kTcg:
      return "tcg";
  }
  return "?";
}

Result<AccelChoice> choose_accel(Accel requested, const AccelProbe& probe) {
  if (requested == Accel::kTcg) return AccelChoice{Accel::kTcg, "TCG (requested)"};
  UniqueFd kvm(::open(probe.dev_kvm.c_str(), O_RDWR | O_CLOEXEC));
  int open_errno = kvm ? 0 : errno;
  std::string module;
  if (exists(probe.sys_module + "/kvm_intel")) module = "kvm_intel";
  if (exists(probe.sys_module + "/kvm_amd")) module = "kvm_amd";
  bool pvm = exists(probe.sys_module + "/kvm_pvm");
  if (requested == Accel::kKvm) {
    if (!kvm) {
      return environment_error(
          "--accel kvm: cannot open /dev/kvm; load kvm_intel/kvm_amd, add yourself to the kvm "
          "group, or use --accel tcg",
          open_errno, probe.dev_kvm);
    }
    if (module.empty()) {
      return AccelChoice{Accel::kKvm, pvm ? "KVM (requested; warning: kvm_pvm cannot run stock "
                                            "kernels, expect emulation failures)"
                                          : "KVM (requested; no kvm_intel/kvm_amd module seen)"};
    }
    return AccelChoice{Accel::kKvm, "KVM (" + module + ")"};
  }
  if (kvm && !module.empty()) return AccelChoice{Accel::kKvm, "KVM (" + module + ")"};
  if (!kvm) {
    return AccelChoice{Accel::kTcg, fmt::format("TCG: /dev/kvm unusable ({})",
                                                open_errno ? std::strerror(open_errno) : "")};
  }
  return AccelChoice{Accel::kTcg, pvm ? "TCG: /dev/kvm is kvm_pvm, which cannot run stock kernels"
                                      : "TCG: /dev/kvm has no kvm_intel/kvm_amd module behind it"};
}

}  // namespace ktstr::vm
