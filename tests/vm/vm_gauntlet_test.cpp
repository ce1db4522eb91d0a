// `ktstr gauntlet` running VM jobs side by side: one shard of a small
// matrix with --jobs 2, results in job order, and the boot-time model the
// finished jobs record (docs/gauntlet.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "vm_test_util.hpp"

namespace ktstr::vm {
namespace {

using ::testing::HasSubstr;

// Shard 2/2 of steady x 2 presets x {eevdf, scx_simple}: the split by
// estimate (the two 4-vCPU jobs first, one per shard, then the 2-vCPU
// ones) gives it both presets under scx_simple; --jobs 2 boots both VMs at
// once (TCG: one host CPU each). Measured on 2 host cores shared with
// other builds (load 22-31): 24 to 36 s for the whole command.
TEST(VmGauntlet, RunsTwoJobsAtOnceInJobOrder) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = testing::run_cli(
      "gauntlet steady --presets 2cpu-1llc-nosmt,4cpu-2llc-2n-nosmt --scheduler eevdf "
      "--scheduler scx_simple --kernel sched-ext --duration 1s --shard 2/2 --jobs 2 --json");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "gauntlet of 2 VM jobs with --jobs 2: %.1f s\n", secs);
  // A job's own verdict is the scheduler's under a loaded host (each TCG VM
  // gets one host CPU; steady's timing checks may fail when other work
  // takes it); what this test needs is that both VMs booted, ran the
  // scenario and were judged by it, not by the runner or the VM.
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 4) << r.out;
  // Progress lines (stderr, unbuffered) come before the JSON document.
  auto start = r.out.find("\n{");
  ASSERT_NE(start, std::string::npos) << r.out;
  auto doc = nlohmann::json::parse(r.out.substr(start + 1));
  EXPECT_EQ(doc["total_jobs"], 4);
  ASSERT_EQ(doc["jobs"].size(), 2u);
  std::set<std::string> presets;
  for (const auto& j : doc["jobs"]) {
    EXPECT_EQ(j["scheduler"], "scx_simple");
    presets.insert(j["preset"].get<std::string>());
  }
  EXPECT_EQ(presets.size(), 2u);
  ASSERT_EQ(doc["results"].size(), 2u);
  // In job order, whichever VM finished first.
  for (size_t k = 0; k < 2; ++k) {
    const auto& res = doc["results"][k];
    EXPECT_EQ(res["index"], doc["jobs"][k]["index"]);
    EXPECT_EQ(res["id"], doc["jobs"][k]["id"]);
    if (res["verdict"] != "pass") {
      EXPECT_THAT(res["reason"].get<std::string>(), ::testing::StartsWith("steady: "))
          << res.dump();
      std::fprintf(stderr, "note: %s did not pass: %s\n", res["id"].get<std::string>().c_str(),
                   res["reason"].get<std::string>().c_str());
    }
    EXPECT_GT(res["wall_ms"].get<double>(), 1000.0);
    EXPECT_GT(res["boot_ms"].get<double>(), 0.0);
  }
  EXPECT_LT(doc["results"][0]["index"].get<int>(), doc["results"][1]["index"].get<int>());
  EXPECT_THAT(r.out, HasSubstr("2 running: "));
  EXPECT_THAT(r.out, HasSubstr("ktstr: [2/2] 2 done, "));
  // The finished jobs measured this host: --list now says so.
  auto list = testing::run_cli(
      "gauntlet steady --presets 2cpu-1llc-nosmt --scheduler scx_simple --kernel sched-ext "
      "--list");
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_THAT(list.out, HasSubstr("(from a boot-time model measured on this host: "));
}

}  // namespace
}  // namespace ktstr::vm
