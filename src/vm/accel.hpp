// Choosing QEMU's accelerator (vm.md "Acceleration").
//
// KVM only when /dev/kvm opens AND a hardware hypervisor module is loaded
// (/sys/module/kvm_intel or kvm_amd). Our CI machines expose /dev/kvm from
// kvm_pvm, which cannot run a stock kernel, so they get TCG — and TCG must
// be single-threaded (multi-threaded TCG corrupts text patching when a
// sched_ext scheduler flips static keys).
#pragma once

#include <string>

#include "util/result.hpp"

namespace ktstr::vm {

enum class Accel { kAuto, kKvm, kTcg };

Result<Accel> parse_accel(const std::string& text);  // "auto" | "kvm" | "tcg"
const char* accel_name(Accel a);

// Filesystem seam for tests.
struct AccelProbe {
  std::string dev_kvm = "/dev/kvm";
  std::string sys_module = "/sys/module";
};

struct AccelChoice {
  Accel accel = Accel::kTcg;  // never kAuto
  std::string reason;         // one line for the run's output
};

// Resolves `requested`. Asking for kvm when /dev/kvm cannot be opened is an
// environment error; asking for it on a non-hardware KVM is honoured with a
// warning in `reason`.
Result<AccelChoice> choose_accel(Accel requested, const AccelProbe& probe = {});

}  // namespace ktstr::vm
