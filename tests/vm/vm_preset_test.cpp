// Boots the topology presets that fit the CI machine's time budget (TCG on
// 2 host cores: presets of at most kMaxBootCpus vCPUs) by name, through the
// same --topology path users take, and checks the guest sees that shape and
// got the preset's memory. Larger presets are validated as specs by
// tests/unit/topology_presets_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "topology/presets.hpp"
#include "vm/vm_flags.hpp"
#include "vm_test_util.hpp"

namespace ktstr::topo {
// gtest prints parameters by name.
void PrintTo(const Preset& p, std::ostream* os) {
  *os << p.name;
}
}  // namespace ktstr::topo

namespace ktstr::vm {
namespace {

// Measured here (TCG, our sched_ext build, 2 host cores shared with other
// builds at load ~20): 2.4 to 9.8 s per boot-check-power-off, 74 s for the
// 8 presets of <= 4 vCPUs including initramfs preparation.
constexpr int kMaxBootCpus = 4;

std::vector<topo::Preset> bootable_presets() {
  std::vector<topo::Preset> out;
  for (const auto& p : topo::presets()) {
    if (p.spec.total_cpus() <= kMaxBootCpus) out.push_back(p);
  }
  return out;
}

class VmPresetTest : public ::testing::TestWithParam<topo::Preset> {};

TEST_P(VmPresetTest, GuestSeesThePresetShape) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  const auto& p = GetParam();
  VmFlags flags;
  flags.kernel = kernel;
  flags.topology = p.name;
  auto req = vm_request_from_flags(flags);
  ASSERT_TRUE(req) << req.error().describe();
  EXPECT_EQ(req->topology, p.spec.to_string());
  EXPECT_EQ(req->memory_mib, p.memory_mib);
  req->init_binary = KTSTR_BINARY;
  req->timeout_ms = 120000;
  req->argv = {"vm", "sysinfo", "--json"};
  auto r = testing::run_in_vm_retrying_hang(*req);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->verdict, GuestVerdict::kPass) << r->reason;
  const auto& guest = r->document["guest"];
  EXPECT_EQ(guest["topology_ok"], true);
  const auto& topo = r->output["topology"];
  EXPECT_EQ(topo["cpus"], p.spec.total_cpus());
  EXPECT_EQ(topo["nodes"], p.spec.nodes);
  EXPECT_EQ(topo["llcs"], p.spec.llcs);
  EXPECT_EQ(topo["cores_per_llc"], p.spec.cores_per_llc);
  EXPECT_EQ(topo["threads_per_core"], p.spec.threads_per_core);
  const std::string mem = fmt::format("{}M", p.memory_mib / static_cast<uint64_t>(p.spec.nodes));
  const bool has_mem = std::any_of(r->qemu_argv.begin(), r->qemu_argv.end(), [&](const auto& a) {
    return a == mem || a.find("size=" + mem) != std::string::npos;
  });
  EXPECT_TRUE(has_mem) << "no " << mem << " in the QEMU command line";
  std::fprintf(stderr, "%s: launch to init %.0f ms, total %.0f ms\n", p.name.c_str(),
               r->timings.launch_to_init_ms, r->timings.total_ms);
}

INSTANTIATE_TEST_SUITE_P(Presets, VmPresetTest, ::testing::ValuesIn(bootable_presets()),
                         [](const auto& param_info) {
                           std::string n = param_info.param.name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace ktstr::vm
