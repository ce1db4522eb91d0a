// Hang evidence parsers: QMP replies, `info registers -a` text, and kernel
// symbol lookup from System.map text and from a real ELF symbol table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "vm/kernel_symbols.hpp"
#include "vm/qmp.hpp"

namespace ktstr::vm {
namespace {

TEST(VmQmp, ParsesQueryCpusFast) {
  auto ret = nlohmann::json::parse(R"([
    {"thread-id": 51234, "props": {"core-id": 0}, "qom-path": "/machine/unattached/device[0]",
     "cpu-index": 0, "target": "x86_64"},
    {"thread-id": 51235, "cpu-index": 1, "target": "x86_64"}])");
  auto cpus = parse_query_cpus_fast(ret);
  ASSERT_EQ(cpus.size(), 2u);
  EXPECT_EQ(cpus[0].index, 0);
  EXPECT_EQ(cpus[0].thread_id, 51234);
  EXPECT_EQ(cpus[1].index, 1);
  EXPECT_EQ(cpus[1].thread_id, 51235);
  EXPECT_TRUE(parse_query_cpus_fast(nlohmann::json::object()).empty());
}

TEST(VmQmp, ParsesRipPerCpuFromInfoRegisters) {
  const std::string text =
      "CPU#0\r\nRAX=0000000000000000 RBX=ffffffff82a0c940 RCX=0000000000000001\r\n"
      "RIP=ffffffff81f0a1cb RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1\r\n"
      "ES =0000 0000000000000000 00000000 00000000\r\n"
      "CPU#1\r\nRAX=0000000000000001\r\n"
      "RIP=ffffffff8114c27c RFL=00000202 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\r\n";
  auto rips = parse_info_registers_rips(text);
  ASSERT_EQ(rips.size(), 2u);
  EXPECT_EQ(rips[0], (std::pair<int, uint64_t>{0, 0xffffffff81f0a1cbULL}));
  EXPECT_EQ(rips[1], (std::pair<int, uint64_t>{1, 0xffffffff8114c27cULL}));
  EXPECT_TRUE(parse_info_registers_rips("no registers here").empty());
}

TEST(VmQmp, DescribesAVcpu) {
  VcpuState v{0, 51234, 0xffffffff81f0a1cbULL, "native_safe_halt+0xb"};
  EXPECT_EQ(describe_vcpu(v), "vCPU 0 (thread 51234) at native_safe_halt+0xb (0xffffffff81f0a1cb)");
  v.symbol.clear();
  EXPECT_EQ(describe_vcpu(v), "vCPU 0 (thread 51234) at 0xffffffff81f0a1cb");
  v.rip.reset();
  EXPECT_EQ(describe_vcpu(v), "vCPU 0 (thread 51234): no registers");
}

TEST(VmKernelSymbols, ResolvesFromSystemMap) {
  auto syms = KernelSymbols::from_system_map(
      "ffffffff81000000 T _stext\n"
      "ffffffff81f0a1c0 t native_safe_halt\n"
      "ffffffff81f0a200 T default_idle\n"
      "ffffffff82000000 D some_data\n"
      "garbage line\n");
  EXPECT_EQ(syms.size(), 3u);
  EXPECT_EQ(syms.resolve(0xffffffff81f0a1cbULL), "native_safe_halt+0xb");
  EXPECT_EQ(syms.resolve(0xffffffff81f0a200ULL), "default_idle+0x0");
  EXPECT_EQ(syms.resolve(0xffffffff80000000ULL), "");
}

// The test binary's own symbol table: a function's address resolves to it.
TEST(VmKernelSymbols, ResolvesFromAnElfSymtab) {
  // One bulk read: this binary is ~0.5 GB in the sanitizer build, where a
  // byte-wise istreambuf_iterator copy alone outlasts the test timeout.
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string image = std::move(bytes).str();
  auto syms = KernelSymbols::from_elf(image, "self");
  ASSERT_TRUE(syms) << syms.error().describe();
  EXPECT_GT(syms->size(), 100u);
  EXPECT_FALSE(KernelSymbols::from_elf("not an elf", "x"));
}

}  // namespace
}  // namespace ktstr::vm
