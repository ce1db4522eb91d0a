// How long one gauntlet job takes, estimated before it runs: a VM boot
// that grows with the vCPU count, the scenario's duration, and a fixed
// guest overhead (cgroups, worker spawn, report collection, power-off).
//
// Static model (docs/gauntlet.md): measured on the project's 2-core build
// machines under TCG (thread=single), where boot to /init and power-off
// took 1.6 s with 2 vCPUs and 1.9 s with 16 (Debian 6.12 image); our
// sched_ext build boots faster, so the model errs long. Once jobs have run
// on a host, boot_model.hpp fits the same three terms to their timings.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ktstr::gauntlet {

struct CostModel {
  uint64_t boot_base_ms = 1500;       // boot + power-off of a 1-vCPU guest
  uint64_t boot_per_cpu_ms = 25;      // extra per vCPU (TCG runs them on one host thread)
  uint64_t guest_overhead_ms = 1000;  // initramfs, scheduler attach, cgroups, collection
  size_t samples = 0;                 // jobs measured on this host behind it; 0: the constants

  uint64_t boot_ms(int cpus) const;
  uint64_t estimate_ms(int cpus, uint64_t duration_ms) const;
};

}  // namespace ktstr::gauntlet
