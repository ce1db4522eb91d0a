// Pipe family signatures: pair exchanges sampled on both sides, and a token
// that visits every wake_chain stage in order (pipe and futex wakes).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "work_types_sync_helpers.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;

class PipeTypes : public ::testing::TestWithParam<CloneMode> {};

TEST_P(PipeTypes, PipeIoBothPartnersSampleTheExchange) {
  auto reports = run_completed(make_config("pipe_io", 4, {}, GetParam()), 300);
  ASSERT_EQ(reports.size(), 4U);
  for (const auto& pair : units_of(reports, 2)) {
    for (const auto& r : pair) {
      EXPECT_GT(r.wake_sample_total, 10U) << "worker " << r.worker_index;
      // Position 0 starts with the token: one send more than it received.
      EXPECT_EQ(r.wake_sample_total + (r.worker_index % 2 == 0 ? 1 : 0), r.iterations);
      EXPECT_EQ(r.wakeup_sample_total, r.wake_sample_total);
    }
    // Each exchange needs the partner's message: neither side can get ahead
    // by more than the message in flight.
    EXPECT_LE(std::llabs(static_cast<long long>(pair[0].iterations) -
                         static_cast<long long>(pair[1].iterations)),
              1);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, PipeTypes, ::testing::ValuesIn(kBothModes), mode_name);

class WakeChain : public ::testing::TestWithParam<std::tuple<CloneMode, const char*>> {};

TEST_P(WakeChain, TokenVisitsEveryStageInOrder) {
  const auto [mode, wake] = GetParam();
  auto c = make_config("wake_chain", 6, {{"depth", "3"}, {"wake", wake}, {"work_per_hop", "50us"}},
                       mode);
  auto reports = run_completed(c, 400);
  ASSERT_EQ(reports.size(), 6U);
  for (const auto& chain : units_of(reports, 3)) {
    std::vector<double> hops;
    for (const auto& r : chain) hops.push_back(extra(r, "hops"));
    // One token: counts never increase along the ring and the tail is at
    // most one hop behind the head.
    EXPECT_GE(hops[0], hops[1]);
    EXPECT_GE(hops[1], hops[2]);
    EXPECT_GE(hops[2], hops[0] - 1);
    EXPECT_GT(hops[2], 20) << "chain barely moved";
    for (size_t s = 0; s < 3; ++s) {
      EXPECT_GT(chain[s].wake_sample_total, 0U) << "stage " << s << " has no wake samples";
      // Stage 0 starts holding the token; every other hop began with a wake.
      EXPECT_EQ(static_cast<double>(chain[s].wake_sample_total), s == 0 ? hops[s] - 1 : hops[s]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ModesAndWakes, WakeChain,
                         ::testing::Combine(::testing::ValuesIn(kBothModes),
                                            ::testing::Values("pipe", "futex")),
                         [](const auto& param_info) {
                           const auto& p = param_info.param;
                           return std::string(std::get<0>(p) == CloneMode::kFork ? "Fork"
                                                                                 : "Thread") +
                                  "_" + std::get<1>(p);
                         });

TEST(PipeTypesValidation, RejectsBadKnobs) {
  expect_rejected(make_config("wake_chain", 1, {{"depth", "1"}}), {"depth=1", "depth >= 2"});
  expect_rejected(make_config("wake_chain", 4, {{"depth", "0"}}), {"depth"});
  expect_rejected(make_config("wake_chain", 4, {{"work_per_hop", "0"}}), {"work_per_hop"});
  expect_rejected(make_config("wake_chain", 4, {{"wake", "signal"}}), {"wake", "pipe|futex"});
  expect_rejected(make_config("pipe_io", 2, {{"burst_iters", "0"}}), {"burst_iters"});
}

TEST(PipeTypesValidation, WorkerCountMustBeAMultipleOfTheUnit) {
  expect_rejected(make_config("pipe_io", 3), {"pipe_io", "multiple of 2"});
  expect_rejected(make_config("wake_chain", 6), {"wake_chain", "multiple of 4"});
  expect_rejected(make_config("wake_chain", 4, {{"depth", "3"}}), {"multiple of 3"});
}

TEST(PipeTypesCli, WakeChainRunsWithParamsFromTheCommandLine) {
  const std::string cmd = std::string(KTSTR_BINARY) +
                          " workload --type wake_chain --workers 4 --param wake=futex "
                          "--param work_per_hop=20us --duration 200ms --json 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  const int status = pclose(f);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_NE(out.find("\"hops\""), std::string::npos) << out.substr(0, 2000);
}

}  // namespace
}  // namespace ktstr::testing
