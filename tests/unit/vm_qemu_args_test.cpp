#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vm/qemu_args.hpp"
#include "vm/vm_argv.hpp"
#include "vm/vm_topology.hpp"

namespace ktstr::vm {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

QemuConfig base_config(const char* topo) {
  QemuConfig c;
  c.topology = *parse_vm_topology(topo);
  c.memory_mib = 512;
  c.kernel = "/k/vmlinux";
  c.initrd = "/r/initrd.cpio";
  c.console_path = "/r/console.log";
  c.result_path = "/r/result.fifo";
  return c;
}

TEST(QemuArgs, SingleNodeTcg) {
  auto argv = qemu_argv(base_config("1n2l4c2t"));
  std::string want =
      "qemu-system-x86_64 -accel tcg,thread=single -cpu max,vendor=GenuineIntel -machine pc "
      "-smp cpus=16,sockets=1,dies=2,cores=4,threads=2 -m 512M -nodefaults -no-user-config "
      "-nographic -no-reboot -serial file:/r/console.log -serial file:/r/result.fifo -kernel "
      "/k/vmlinux -initrd /r/initrd.cpio -append";
  EXPECT_EQ(joined(std::vector<std::string>(argv.begin(), argv.end() - 1)), want);
  EXPECT_EQ(argv.back(), kernel_cmdline(""));
  EXPECT_NE(argv.back().find("console=ttyS0"), std::string::npos);
  EXPECT_NE(argv.back().find("panic=-1"), std::string::npos);
}

TEST(QemuArgs, NumaNodesGetMemoryCpusAndDistances) {
  auto c = base_config("2n4l2c1t");
  c.accel = Accel::kKvm;
  std::string s = joined(qemu_argv(c));
  EXPECT_NE(s.find("-accel kvm -cpu host "), std::string::npos);
  EXPECT_NE(s.find("-smp cpus=8,sockets=2,dies=2,cores=2,threads=1"), std::string::npos);
  EXPECT_NE(s.find("-object memory-backend-ram,id=m0,size=256M -numa node,nodeid=0,memdev=m0"),
            std::string::npos);
  EXPECT_NE(s.find("-object memory-backend-ram,id=m1,size=256M -numa node,nodeid=1,memdev=m1"),
            std::string::npos);
  EXPECT_NE(s.find("-numa cpu,node-id=1,socket-id=1"), std::string::npos);
  EXPECT_NE(s.find("-numa dist,src=0,dst=1,val=20 -numa dist,src=1,dst=0,val=20"),
            std::string::npos);
}

TEST(QemuArgs, InteractiveConsoleAndArchCapabilities) {
  auto c = base_config("1n1l1c1t");
  c.console_path.clear();
  c.accel = Accel::kKvm;
  c.kvm_no_arch_capabilities = true;
  std::string s = joined(qemu_argv(c));
  EXPECT_NE(s.find("-serial mon:stdio"), std::string::npos);
  EXPECT_NE(s.find("-cpu host,-arch-capabilities"), std::string::npos);
}

TEST(QemuArgs, DefaultMemory) {
  EXPECT_EQ(default_memory_mib(2, 0), 256u);
  EXPECT_EQ(default_memory_mib(16, 0), 1024u);
  EXPECT_EQ(default_memory_mib(2, 10u << 20), 266u);
  EXPECT_EQ(default_memory_mib(2, 1), 257u);     // rounded up to a MiB
  EXPECT_EQ(default_memory_mib(8, 1, 2), 514u);  // 513 rounded to a multiple of 2 nodes
}

TEST(VmTopology, ParsesAndRejects) {
  auto t = parse_vm_topology("2n4l3c2t");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->nodes, 2);
  EXPECT_EQ(t->llcs, 4);
  EXPECT_EQ(t->cores_per_llc, 3);
  EXPECT_EQ(t->threads_per_core, 2);
  EXPECT_EQ(t->total_cpus(), 24);
  EXPECT_EQ(format_vm_topology(*t), "2n4l3c2t");
  for (const char* bad : {"", "1n", "2n3l1c1t", "1n1l1c", "0n1l1c1t", "1n1l1c1tx", "1l1n1c1t"}) {
    auto r = parse_vm_topology(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    }
  }
}

TEST(VmArgv, StripsVmFlagsAndValues) {
  std::vector<std::string> in{
      "workload",    "--vm", "--kernel", "debian", "--type",  "spin", "--topology=1n1l1c1t",
      "--sched-arg", "-t",   "--json",   "--",     "--kernel"};
  std::vector<std::string> want{"workload", "--type", "spin", "--json", "--", "--kernel"};
  EXPECT_EQ(strip_vm_flags(in), want);
}

}  // namespace
}  // namespace ktstr::vm
