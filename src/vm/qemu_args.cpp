#include "vm/qemu_args.hpp"

#include <algorithm>

namespace ktstr::vm {

uint64_t default_memory_mib(int cpus, uint64_t initramfs_bytes, int nodes) {
  uint64_t base = std::max<uint64_t>(256, 64ULL * static_cast<uint64_t>(cpus));
  uint64_t initrd_mib = (initramfs_bytes + (1ULL << 20) - 1) >> 20;
  uint64_t total = base + initrd_mib;
  uint64_t n = static_cast<uint64_t>(std::max(nodes, 1));
  return (total + n - 1) / n * n;
}

std::string kernel_cmdline(const std::string& extra) {
  // quiet + the i8042/watchdog switches cut boot time under TCG; panic=-1
  // with QEMU's -no-reboot turns a guest panic into a QEMU exit.
  // no_timer_check: under TCG on a loaded host the IO-APIC timer probe can
  // miss its ticks and panic ("IO-APIC + timer doesn't work").
  std::string line =
      "console=ttyS0 quiet mitigations=off tsc=reliable i8042.noaux i8042.nokbd i8042.nopnp "
      "random.trust_cpu=on nowatchdog no_timer_check panic=-1";
  if (!extra.empty()) line += " " + extra;
  return line;
}

namespace {

void add_numa(const QemuConfig& cfg, std::vector<std::string>& a) {
  const VmTopology& t = cfg.topology;
  uint64_t per_node = cfg.memory_mib / static_cast<uint64_t>(t.nodes);
  for (int n = 0; n < t.nodes; ++n) {
    a.insert(a.end(), {"-object", fmt::format("memory-backend-ram,id=m{},size={}M", n, per_node),
                       "-numa", fmt::format("node,nodeid={},memdev=m{}", n, n)});
  }
  // One socket per node: the dies of a socket are that node's LLCs.
  for (int n = 0; n < t.nodes; ++n) {
    a.insert(a.end(), {"-numa", fmt::format("cpu,node-id={},socket-id={}", n, n)});
  }
  for (int i = 0; i < t.nodes; ++i) {
    for (int j = 0; j < t.nodes; ++j) {
      if (i != j) {
        a.insert(a.end(), {"-numa", fmt::format("dist,src={},dst={},val=20", i, j)});
      }
    }
  }
}

}  // namespace

std::vector<std::string> qemu_argv(const QemuConfig& cfg) {
  const VmTopology& t = cfg.topology;
  std::vector<std::string> a{cfg.qemu_binary};
  if (cfg.accel == Accel::kKvm) {
    a.insert(a.end(), {"-accel", "kvm", "-cpu",
                       cfg.kvm_no_arch_capabilities ? "host,-arch-capabilities" : "host"});
  } else {
    // QEMU reports one L3 per die in CPUID leaf 4 for Intel models, so each
    // die becomes one LLC in the guest.
    a.insert(a.end(), {"-accel", "tcg,thread=single", "-cpu", "max,vendor=GenuineIntel"});
  }
  a.insert(a.end(), {"-machine", "pc", "-smp",
                     fmt::format("cpus={},sockets={},dies={},cores={},threads={}", t.total_cpus(),
                                 t.nodes, t.llcs_per_node(), t.cores_per_llc, t.threads_per_core),
                     "-m", fmt::format("{}M", cfg.memory_mib)});
  if (t.nodes > 1) add_numa(cfg, a);
  a.insert(a.end(), {"-nodefaults", "-no-user-config", "-nographic", "-no-reboot"});
  a.insert(a.end(), {"-serial", cfg.console_path.empty() ? std::string("mon:stdio")
                                                         : "file:" + cfg.console_path});
  if (!cfg.result_path.empty()) a.insert(a.end(), {"-serial", "file:" + cfg.result_path});
  if (!cfg.qmp_socket.empty()) {
    a.insert(a.end(), {"-qmp", fmt::format("unix:{},server=on,wait=off", cfg.qmp_socket)});
  }
  a.insert(a.end(), {"-kernel", cfg.kernel});
  if (!cfg.initrd.empty()) a.insert(a.end(), {"-initrd", cfg.initrd});
  a.insert(a.end(), {"-append", kernel_cmdline(cfg.cmdline_extra)});
  return a;
}

}  // namespace ktstr::vm
