// The in-guest monitor's stranded-task detector against real schedulers
// (docs/scenarios.md "Monitor and stranded tasks"): scx_qmap with `-t N`
// never dispatches every Nth user-thread enqueue, so one futex ping-pong
// worker stays runnable while both CPUs idle until the sched_ext watchdog
// (5 s in qmap) ends the scheduler; the detector must report it first. The
// same scenario under scx_simple must report nothing. About 25 s of TCG each.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vm_test_util.hpp"

namespace ktstr::vm {
namespace {

using testing::run_cli;

constexpr const char* kScenario =
    "name = \"stranded_probe\"\nduration = \"10s\"\n[[cgroup]]\nname = \"cg_0\"\n"
    "work = [{ type = \"futex_ping_pong\", workers = 2 }]\n";

struct Files {
  std::string toml = fmt::format("/tmp/ktstr-vmmon-{}.toml", getpid());
  std::string json = fmt::format("/tmp/ktstr-vmmon-{}.json", getpid());
  Files() { std::ofstream(toml) << kScenario; }
  ~Files() {
    ::unlink(toml.c_str());
    ::unlink(json.c_str());
  }
  nlohmann::json scenario() const {
    std::ifstream in(json);
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str()).at("scenarios").at(0);
  }
};

const nlohmann::json* find_check(const nlohmann::json& s, const std::string& name) {
  for (const auto& c : s["checks"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

TEST(VmMonitor, QmapStalledWorkerIsReportedBeforeTheWatchdog) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  Files f;
  auto r = run_cli("run " + f.toml +
                   " --vm --kernel sched-ext --scheduler scx_qmap --sched-arg=-t "
                   "--sched-arg=1000 --json " +
                   f.json);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto s = f.scenario();
  ASSERT_TRUE(s.contains("stranded")) << r.out;
  const auto& w = s["stranded"][0];
  EXPECT_EQ(w["group"], "cg_0");
  EXPECT_TRUE(w["sched_ext"].get<bool>()) << w.dump();
  EXPECT_EQ(w["ops"], "qmap");
  const double window = w["to_ms"].get<double>() - w["from_ms"].get<double>();
  EXPECT_GE(window, 1000) << w.dump();
  EXPECT_FALSE(w["idle_cpus"].empty()) << w.dump();
  EXPECT_LE(w["ran_ms"].get<double>(), 0.05 * window) << w.dump();
  const auto* check = find_check(s, "max_stranded_ms");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ((*check)["verdict"], "fail");
  // The watchdog named the same task: "init[<tid>] failed to run".
  EXPECT_NE(r.out.find(fmt::format("[{}] failed to run", w["tid"].get<int>())), std::string::npos)
      << r.out;
}

TEST(VmMonitor, ScxSimpleStrandsNothingInTheSameScenario) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  Files f;
  auto r =
      run_cli("run " + f.toml +
              " --duration 3s --vm --kernel sched-ext --scheduler scx_simple --json " + f.json);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto s = f.scenario();
  EXPECT_FALSE(s.contains("stranded")) << s["stranded"].dump();
  const auto* check = find_check(s, "max_stranded_ms");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ((*check)["verdict"], "pass") << check->dump();
  EXPECT_GE(s["monitor"]["samples"].get<size_t>(), 10u);
  EXPECT_EQ(s["monitor"]["tasks"], 2);
  EXPECT_EQ(s["monitor"]["scx_state"][0], "enabled");
}

}  // namespace
}  // namespace ktstr::vm
