// The configuration fingerprint: machine facts read from a fake tree, the
// per-scenario definition hash, JSON round trip, the differences compare
// warns about, and `ktstr ab`'s schedule and per-side flags.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "scenario/ab.hpp"
#include "scenario/catalogue.hpp"
#include "scenario/fingerprint.hpp"
#include "scenario/result.hpp"
#include "util/file_io.hpp"

namespace ktstr::scenario {
namespace {

namespace fs = std::filesystem;

TEST(ScenarioFingerprint, HashIsFnv1a64) {
  EXPECT_EQ(hash_bytes(""), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(hash_bytes("a"), "fnv1a64:af63dc4c8601ec8c");
  EXPECT_FALSE(hash_file("/nonexistent/ktstr-config"));
}

TEST(ScenarioFingerprint, ProbeReadsConfigAndGovernorFromTheTree) {
  char tmpl[] = "/tmp/ktstr-fp-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  FingerprintPaths paths{root + "/proc", root + "/boot", root + "/sys"};
  fs::create_directories(root + "/boot");
  fs::create_directories(root + "/sys/devices/system/cpu/cpu0/cpufreq");
  ASSERT_TRUE(write_file_atomic(root + "/boot/config-6.1.0-test", "CONFIG_SCHED_CLASS_EXT=y\n"));
  ASSERT_TRUE(write_file_atomic(root + "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
                                "performance\n"));
  sched::HostFacts host;
  host.kernel = "6.1.0-test";
  host.cpu_model = "Test CPU";
  host.topology = "1n1l2c1t";
  host.cpus = 2;
  host.scheduler = "eevdf";
  auto f = probe_fingerprint(host, paths);
  EXPECT_EQ(f.kernel_release, "6.1.0-test");
  EXPECT_EQ(f.kernel_config_hash, hash_bytes("CONFIG_SCHED_CLASS_EXT=y\n"));
  EXPECT_EQ(f.kernel_config_source, root + "/boot/config-6.1.0-test");
  EXPECT_EQ(f.cpufreq_governor, "performance");
  EXPECT_EQ(f.cpu_model, "Test CPU");
  EXPECT_FALSE(f.ktstr_version.empty());
  // /proc/config.gz wins over /boot; nothing readable leaves null.
  fs::create_directories(root + "/proc");
  ASSERT_TRUE(write_file_atomic(root + "/proc/config.gz", "gz bytes"));
  EXPECT_EQ(probe_fingerprint(host, paths).kernel_config_hash, hash_bytes("gz bytes"));
  fs::remove_all(root);
  auto none = probe_fingerprint(host, paths);
  EXPECT_FALSE(none.kernel_config_hash);
  EXPECT_FALSE(none.cpufreq_governor);
}

TEST(ScenarioFingerprint, DefinitionHashFollowsTextDurationAndChecks) {
  const auto* steady = find_in_catalogue("steady");
  ASSERT_NE(steady, nullptr);
  ASSERT_TRUE(steady->scenario);
  const Scenario& s = *steady->scenario;
  const auto plain = definition_hash(s, {});
  EXPECT_EQ(plain, definition_hash(s, {}));
  EXPECT_EQ(plain, definition_hash(s, {s.duration_ns, {}}));  // explicit = the scenario's own
  EXPECT_NE(plain, definition_hash(s, {s.duration_ns + 1, {}}));
  DefinitionOverrides checks;
  ASSERT_TRUE(checks.checks.set_text("max_gap_ms", "500"));
  EXPECT_NE(plain, definition_hash(s, checks));
  Scenario edited = s;
  edited.source = "c++:test.cpp:1";  // another source text
  EXPECT_NE(plain, definition_hash(edited, {}));
}

Fingerprint sample() {
  Fingerprint f;
  f.kernel_release = "6.12.0";
  f.kernel_config_hash = "fnv1a64:1";
  f.scheduler = "eevdf";
  f.topology = "1n1l2c1t";
  f.cpus = 2;
  f.ktstr_version = "0.1.0";
  f.cpu_model = "Test CPU";
  f.scenarios["steady"] = {"fnv1a64:aa", 4};
  return f;
}

TEST(ScenarioFingerprint, JsonRoundTripInTheRunDocument) {
  RunResult run;
  run.fingerprint = sample();
  const nlohmann::json j = run;
  EXPECT_EQ(j["fingerprint"]["kernel_release"], "6.12.0");
  EXPECT_TRUE(j["fingerprint"]["cpufreq_governor"].is_null());
  EXPECT_EQ(j["fingerprint"]["scenarios"]["steady"]["workers"], 4);
  auto back = parse_run_result(j.dump());
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->fingerprint);
  EXPECT_EQ(back->fingerprint->scenarios.at("steady").definition, "fnv1a64:aa");
  EXPECT_FALSE(back->fingerprint->cpufreq_governor);
  // An older document without one reads as none.
  RunResult old;
  auto old_back = parse_run_result(nlohmann::json(old).dump());
  ASSERT_TRUE(old_back);
  EXPECT_FALSE(old_back->fingerprint);
}

TEST(ScenarioFingerprint, DiffWarnsPerFieldAndNamesMismatchedDefinitions) {
  EXPECT_TRUE(diff_fingerprints(sample(), sample()).warnings.empty());
  auto b = sample();
  b.kernel_release = "6.13.0";
  b.cpufreq_governor = "powersave";
  b.scenarios["steady"] = {"fnv1a64:bb", 8};
  b.scenarios["only_b"] = {"fnv1a64:cc", 1};
  const auto d = diff_fingerprints(sample(), b);
  ASSERT_EQ(d.warnings.size(), 3u);
  EXPECT_EQ(d.warnings[0], "fingerprint differs: kernel: A 6.12.0 vs B 6.13.0");
  EXPECT_EQ(d.warnings[1], "fingerprint differs: cpufreq governor: A none vs B powersave");
  EXPECT_EQ(d.warnings[2], "fingerprint differs: steady workers: A 4 vs B 8");
  EXPECT_EQ(d.definition_mismatches, std::vector<std::string>{"steady"});
  const auto missing = diff_fingerprints(std::nullopt, sample());
  ASSERT_EQ(missing.warnings.size(), 1u);
  EXPECT_NE(missing.warnings[0].find("no fingerprint in A"), std::string::npos);
  EXPECT_TRUE(missing.definition_mismatches.empty());
}

TEST(ScenarioAb, ScheduleAlternatesRounds) {
  EXPECT_EQ(ab_schedule(1), "AB");
  EXPECT_EQ(ab_schedule(4), "ABBAABBA");
  EXPECT_EQ(ab_schedule(3), "ABBAAB");
}

TEST(ScenarioAb, SideFlagsOverrideTheSharedOnes) {
  EngineSettings base;
  base.duration = "2s";
  base.checks = {"max_gap_ms=500"};
  auto e = side_engine(base, "--workers 4 --check spread_pct=30 --seed=7", "b");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->workers, 4u);
  EXPECT_EQ(e->duration, "2s");
  EXPECT_EQ(e->checks, (std::vector<std::string>{"max_gap_ms=500", "spread_pct=30"}));
  EXPECT_EQ(e->seed, 7u);
  auto bad = side_engine(base, "--html x.html", "a");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().describe().find("--a"), std::string::npos);
  EXPECT_NE(bad.error().describe().find("--html"), std::string::npos);
  EXPECT_FALSE(side_engine(base, "--workers", "a"));
  EXPECT_FALSE(side_engine(base, "--workers four", "a"));
}

TEST(ScenarioAb, RejectsContradictoryFlagsBeforeRunning) {
  AbOptions o;
  o.run.targets = {"steady"};
  o.aa = true;
  o.b.run_args = "--workers 2";
  auto aa = run_ab(o);
  ASSERT_FALSE(aa);
  EXPECT_EQ(aa.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(aa.error().describe().find("--aa"), std::string::npos);
  AbOptions host;
  host.run.targets = {"steady"};
  host.a.scheduler = "scx_simple";
  auto sched = run_ab(host);
  ASSERT_FALSE(sched);
  EXPECT_NE(sched.error().describe().find("not yet supported"), std::string::npos);
  AbOptions dur;
  dur.run.targets = {"steady"};
  dur.a.run_args = "--duration 1s";
  dur.b.run_args = "--duration 2s";
  auto differ = run_ab(dur);
  ASSERT_FALSE(differ);
  EXPECT_NE(differ.error().describe().find("different scenario definitions (steady)"),
            std::string::npos);
}

}  // namespace
}  // namespace ktstr::scenario
