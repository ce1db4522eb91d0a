// The fingerprint entries only the host knows in VM mode (the guest
// writes the rest of it; scenario/fingerprint.hpp).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "vm/kernel_store.hpp"
#include "vm/vm_flags.hpp"

namespace ktstr::scenario {

// VM mode, on the host after the guest's document came back: the
// scheduler binary's hash and --sched-arg values (resolved as the VM did:
// the kernel's fixtures, else the newest sched_ext build's), and the config
// hash of the booted kernel's .config when the cache has it. No-op when the
// document has no fingerprint.
void add_vm_fingerprint(nlohmann::json& doc, const vm::VmFlags& flags,
                        const vm::KernelInfo& kernel);

}  // namespace ktstr::scenario
