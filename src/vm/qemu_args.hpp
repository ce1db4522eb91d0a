// The QEMU command line for a test VM (vm.md "Topology → QEMU" and "Boot
// line"). Pure: no filesystem access, unit-tested against exact argv.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/accel.hpp"
#include "vm/vm_topology.hpp"

namespace ktstr::vm {

struct QemuConfig {
  std::string qemu_binary = "qemu-system-x86_64";
  Accel accel = Accel::kTcg;              // resolved (kvm or tcg)
  bool kvm_no_arch_capabilities = false;  // "-cpu host,-arch-capabilities"
  VmTopology topology;
  uint64_t memory_mib = 0;    // whole VM; split evenly over NUMA nodes
  std::string kernel;         // -kernel (PVH vmlinux or bzImage)
  std::string initrd;         // -initrd, may be empty
  std::string cmdline_extra;  // appended to the fixed boot line
  std::string console_path;   // first UART to this file; empty: stdio (interactive)
  std::string result_path;    // second UART (results) to this file/FIFO; empty: none
  std::string qmp_socket;     // QMP server on this unix socket (hang evidence); empty: none
};

// max(256 MiB, 64 MiB per vCPU) + the initramfs, rounded up to a MiB and to
// a multiple of `nodes` so every node gets the same size.
uint64_t default_memory_mib(int cpus, uint64_t initramfs_bytes, int nodes = 1);

// The fixed, measured kernel command line plus `extra`.
std::string kernel_cmdline(const std::string& extra);

std::vector<std::string> qemu_argv(const QemuConfig& cfg);

}  // namespace ktstr::vm
