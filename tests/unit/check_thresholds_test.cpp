#include <gtest/gtest.h>

#include "check/thresholds.hpp"

namespace ktstr::check {
namespace {

TEST(CheckThresholds, DefaultsMatchTheSpecTable) {
  Thresholds t;
  EXPECT_TRUE(t.get("not_starved").enabled);
  EXPECT_TRUE(t.get("max_gap_ms").enabled);
  EXPECT_DOUBLE_EQ(t.get("max_gap_ms").limit, is_debug_build() ? 3000 : 2000);
  EXPECT_TRUE(t.get("max_spread_pct").enabled);
  EXPECT_DOUBLE_EQ(t.get("max_spread_pct").limit, is_debug_build() ? 35 : 15);
  for (const char* off :
       {"isolation", "max_throughput_cv", "min_work_rate", "max_p99_wake_latency_ns",
        "max_wakeup_p99_us", "max_wake_latency_cv", "min_iteration_rate", "max_migration_ratio",
        "min_page_locality", "max_cross_node_migration_ratio", "max_slow_tier_ratio"}) {
    EXPECT_FALSE(t.get(off).enabled) << off;
  }
  EXPECT_TRUE(t.get("scheduler_alive").enabled);
  EXPECT_TRUE(t.get("scheduler_clean_exit").enabled);
  for (const auto& v : t.all()) EXPECT_EQ(v.source, ThresholdSource::kDefault) << v.name;
}

TEST(CheckThresholds, LaterLayersWinAndRememberTheirSource) {
  ThresholdLayer sched, test, cli;
  ASSERT_TRUE(sched.set_limit("max_gap_ms", 2500));
  ASSERT_TRUE(sched.set_limit("max_spread_pct", 20));
  ASSERT_TRUE(test.set_limit("max_gap_ms", 1500));
  ASSERT_TRUE(test.set_enabled("isolation", true));
  ASSERT_TRUE(cli.set_enabled("max_spread_pct", false));
  Thresholds t = merge_thresholds(&sched, &test, &cli);
  EXPECT_DOUBLE_EQ(t.get("max_gap_ms").limit, 1500);
  EXPECT_EQ(t.get("max_gap_ms").source, ThresholdSource::kTest);
  EXPECT_FALSE(t.get("max_spread_pct").enabled);
  EXPECT_EQ(t.get("max_spread_pct").source, ThresholdSource::kCli);
  EXPECT_TRUE(t.get("isolation").enabled);
  EXPECT_EQ(t.get("isolation").source, ThresholdSource::kTest);
  EXPECT_EQ(t.get("not_starved").source, ThresholdSource::kDefault);

  Thresholds only_sched = merge_thresholds(&sched, nullptr);
  EXPECT_DOUBLE_EQ(only_sched.get("max_spread_pct").limit, 20);
  EXPECT_EQ(only_sched.get("max_spread_pct").source, ThresholdSource::kScheduler);
}

TEST(CheckThresholds, EnablingADefaultedLimitRestoresItsDefault) {
  ThresholdLayer off, on;
  ASSERT_TRUE(off.set_enabled("max_gap_ms", false));
  ASSERT_TRUE(on.set_enabled("max_gap_ms", true));
  Thresholds t = merge_thresholds(&off, &on);
  EXPECT_TRUE(t.get("max_gap_ms").enabled);
  EXPECT_DOUBLE_EQ(t.get("max_gap_ms").limit, is_debug_build() ? 3000 : 2000);
}

TEST(CheckThresholds, RejectsUnknownNamesWrongKindsAndBadValues) {
  ThresholdLayer l;
  auto unknown = l.set_limit("max_gap", 10);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("did you mean 'max_gap_ms'"), std::string::npos)
      << unknown.error().message;
  EXPECT_FALSE(l.set_limit("isolation", 3));
  EXPECT_FALSE(l.set_limit("max_gap_ms", -1));
  auto no_default = l.set_enabled("max_migration_ratio", true);
  ASSERT_FALSE(no_default);
  EXPECT_NE(no_default.error().message.find("give a number"), std::string::npos);
  EXPECT_FALSE(l.set_text("max_gap_ms", "12x"));
  EXPECT_TRUE(l.set_text("max_gap_ms", "250"));
  EXPECT_TRUE(l.set_text("isolation", "on"));
  EXPECT_EQ(l.values.size(), 2u);
}

}  // namespace
}  // namespace ktstr::check
