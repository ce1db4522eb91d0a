// Packing gauntlet VMs onto the host's CPUs (which jobs may start given
// --jobs and each job's CPU cost) and the whole-matrix progress line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gauntlet/pack.hpp"
#include "gauntlet/run.hpp"

namespace ktstr::gauntlet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(GauntletPack, JobsFlagTakesACountOrAuto) {
  EXPECT_EQ(*parse_jobs_flag("1"), 1u);
  EXPECT_EQ(*parse_jobs_flag("16"), 16u);
  EXPECT_EQ(*parse_jobs_flag("auto"), 0u);
  for (const char* bad : {"0", "", "-1", "2x", "auto2", "99999"}) {
    auto r = parse_jobs_flag(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(r.error().context, "--jobs");
    EXPECT_THAT(r.error().message, HasSubstr("auto"));
  }
}

TEST(GauntletPack, TcgCostsOneCpuKvmItsVcpusCappedAtTheHost) {
  EXPECT_EQ(vm_cpu_cost(16, false, 2), 1);
  EXPECT_EQ(vm_cpu_cost(4, true, 8), 4);
  EXPECT_EQ(vm_cpu_cost(128, true, 8), 8);  // alone it may still run
  EXPECT_EQ(vm_cpu_cost(0, true, 8), 1);
}

TEST(GauntletPack, NeverMoreThanJobsNorTheHostsCpus) {
  // TCG on 2 CPUs: --jobs 1 starts one, --jobs 2 two, --jobs 4 still two.
  const std::vector<int> tcg = {1, 1, 1, 1};
  EXPECT_THAT(jobs_to_start(tcg, 0, 0, {1, 2}), ElementsAre(0u));
  EXPECT_THAT(jobs_to_start(tcg, 0, 0, {2, 2}), ElementsAre(0u, 1u));
  EXPECT_THAT(jobs_to_start(tcg, 0, 0, {4, 2}), ElementsAre(0u, 1u));
  EXPECT_THAT(jobs_to_start(tcg, 0, 0, {0, 2}), ElementsAre(0u, 1u));  // auto
  // One running: one more slot; two running: none.
  EXPECT_THAT(jobs_to_start(tcg, 1, 1, {2, 2}), ElementsAre(0u));
  EXPECT_THAT(jobs_to_start(tcg, 2, 2, {0, 2}), IsEmpty());
}

TEST(GauntletPack, KvmPacksVcpusFirstFitInJobOrder) {
  // 8 host CPUs, 4 running: the 8-vCPU job waits, the 2- and 1-vCPU jobs
  // after it fit (2 + 1 <= 4), the next 2 does not.
  const std::vector<int> kvm = {8, 2, 1, 2};
  EXPECT_THAT(jobs_to_start(kvm, 1, 4, {0, 8}), ElementsAre(1u, 2u));
  // With --jobs 2 only one more starts.
  EXPECT_THAT(jobs_to_start(kvm, 1, 4, {2, 8}), ElementsAre(1u));
  // Idle host: the 8-vCPU job first, alone.
  EXPECT_THAT(jobs_to_start(kvm, 0, 0, {0, 8}), ElementsAre(0u));
  // A job larger than the host starts only when nothing runs.
  EXPECT_THAT(jobs_to_start({16}, 1, 1, {0, 8}), IsEmpty());
  EXPECT_THAT(jobs_to_start({16}, 0, 0, {0, 8}), ElementsAre(0u));
}

TEST(GauntletPack, MaxParallelForTheEta) {
  EXPECT_EQ(max_parallel_jobs({1, 1, 1}, {0, 2}), 2u);
  EXPECT_EQ(max_parallel_jobs({1, 1, 1}, {1, 2}), 1u);
  EXPECT_EQ(max_parallel_jobs({4, 4, 2, 2}, {0, 8}), 3u);  // 2 + 2 + 4
  EXPECT_EQ(max_parallel_jobs({16}, {0, 8}), 1u);
  EXPECT_EQ(max_parallel_jobs({}, {0, 8}), 1u);
}

TEST(GauntletPack, HostCpusCountsTheAffinityMask) {
  EXPECT_GE(host_cpu_count(), 1);
}

TEST(GauntletProgress, OneLineForTheWholeMatrix) {
  Job a{"steady", "steady", "2cpu-1llc-nosmt", "eevdf", "auto", 2, 1000, 3500};
  Job b{"steady", "steady", "4cpu-1llc-nosmt", "eevdf", "auto", 4, 1000, 3600};
  Job c{"steady", "steady", "4cpu-2llc-nosmt", "eevdf", "auto", 4, 1000, 3600};
  Progress p;
  p.total = 12;
  p.done = 3;
  p.failed = 1;
  p.running = {&a};
  p.eta_ms = 80'000;
  EXPECT_EQ(render_progress(p),
            "[3/12] 3 done, 1 failed, running steady@2cpu-1llc-nosmt/eevdf/auto, ETA 1m 20s");
  p.running = {&a, &b, &c};
  EXPECT_EQ(render_progress(p),
            "[3/12] 3 done, 1 failed, 3 running: steady@2cpu-1llc-nosmt/eevdf/auto, "
            "steady@4cpu-1llc-nosmt/eevdf/auto +1 more, ETA 1m 20s");
  p.running.clear();
  p.done = 12;
  EXPECT_EQ(render_progress(p), "[12/12] 12 done, 1 failed");
}

}  // namespace
}  // namespace ktstr::gauntlet
