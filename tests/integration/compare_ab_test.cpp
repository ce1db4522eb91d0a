// `ktstr compare` and `ktstr ab` as a user runs them: an under-powered
// comparison is inconclusive (exit 4), fingerprint differences warn, a
// different scenario definition is exit 2 unless --force, and a real A/A
// `ktstr ab` on this host reports no regression.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "util/file_io.hpp"

namespace ktstr {
namespace {

namespace fs = std::filesystem;
using testing::run_ktstr;

nlohmann::json fixture(const std::string& name) {
  auto text = read_file(std::string(KTSTR_TEST_DATA_DIR) + "/report/" + name);
  EXPECT_TRUE(text);
  return text ? nlohmann::json::parse(*text) : nlohmann::json();
}

nlohmann::json fingerprint(const std::string& kernel, const std::string& definition) {
  return {{"kernel_release", kernel},
          {"kernel_config_hash", nullptr},
          {"kernel_config_source", ""},
          {"scheduler", "eevdf"},
          {"scheduler_binary_hash", nullptr},
          {"scheduler_args", nlohmann::json::array()},
          {"topology", "1n1l2c1t"},
          {"cpus", 2},
          {"ktstr_version", "0.1.0"},
          {"cpu_model", "Test CPU"},
          {"cpufreq_governor", nullptr},
          {"workers_override", nullptr},
          {"scenarios", {{"steady", {{"definition", definition}, {"workers", 4}}}}}};
}

class CompareAbCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ktstr-compare-ab-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const nlohmann::json& doc) {
    const std::string path = dir_ + "/" + name;
    EXPECT_TRUE(write_file_atomic(path, doc.dump()));
    return path;
  }
  std::string dir_;
};

TEST_F(CompareAbCli, ThreeVsThreeIsInconclusiveExit4) {
  auto a = fixture("compare_a.json"), b = fixture("compare_a2.json");
  a["scenarios"] = nlohmann::json(std::vector(a["scenarios"].begin(), a["scenarios"].begin() + 3));
  b["scenarios"] = nlohmann::json(std::vector(b["scenarios"].begin(), b["scenarios"].begin() + 3));
  const auto r = run_ktstr({"compare", write("a.json", a), write("b.json", b)});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("inconclusive: 3 vs 3 repeats cannot reach alpha 0.05 after correction"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("REGRESSION"), std::string::npos);
  const auto j = run_ktstr({"compare", dir_ + "/a.json", dir_ + "/b.json", "--json"});
  EXPECT_EQ(j.exit_code, 4);
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["inconclusive"], true);
  EXPECT_EQ(doc["exit_code"], 4);
  EXPECT_EQ(doc["correction"], "holm");
}

TEST_F(CompareAbCli, FingerprintsWarnAndMismatchedDefinitionsNeedForce) {
  auto a = fixture("compare_a.json"), b = fixture("compare_a2.json");
  // Older documents: no fingerprint, a warning, the comparison goes on.
  const auto old = run_ktstr({"compare", write("old_a.json", a), write("old_b.json", b)});
  EXPECT_EQ(old.exit_code, 0) << old.out << old.err;
  EXPECT_NE(old.out.find("warning: no fingerprint in A"), std::string::npos) << old.out;
  // Another kernel: a warning naming both values, same verdict.
  a["fingerprint"] = fingerprint("6.1.0", "fnv1a64:aa");
  b["fingerprint"] = fingerprint("6.12.9", "fnv1a64:aa");
  const auto kernel = run_ktstr({"compare", write("a.json", a), write("b.json", b)});
  EXPECT_EQ(kernel.exit_code, 0) << kernel.out << kernel.err;
  EXPECT_NE(kernel.out.find("warning: fingerprint differs: kernel: A 6.1.0 vs B 6.12.9"),
            std::string::npos)
      << kernel.out;
  EXPECT_EQ(kernel.out.find("no fingerprint"), std::string::npos);
  // Another definition of steady: refused, naming it; --force compares.
  b["fingerprint"] = fingerprint("6.1.0", "fnv1a64:bb");
  write("b.json", b);
  const auto refused = run_ktstr({"compare", dir_ + "/a.json", dir_ + "/b.json"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("scenario definition differs"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("steady"), std::string::npos);
  EXPECT_NE(refused.err.find("--force"), std::string::npos);
  const auto forced = run_ktstr({"compare", dir_ + "/a.json", dir_ + "/b.json", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_NE(forced.out.find("different scenario definitions (--force): steady"), std::string::npos)
      << forced.out;
}

TEST_F(CompareAbCli, AbRejectsBadFlagsBeforeRunning) {
  const auto side = run_ktstr({"ab", "steady", "--a", "--html x.html"});
  EXPECT_EQ(side.exit_code, 2);
  EXPECT_NE(side.err.find("--html"), std::string::npos) << side.err;
  const auto host_sched = run_ktstr({"ab", "steady", "--b-scheduler", "scx_simple"});
  EXPECT_EQ(host_sched.exit_code, 2);
  EXPECT_NE(host_sched.err.find("not yet supported"), std::string::npos) << host_sched.err;
  const auto unknown = run_ktstr({"ab", "no_such_scenario"});
  EXPECT_EQ(unknown.exit_code, 2);
}

// --json is checked like run's outputs before any round runs; a repeatable
// option never takes the scenario after it (it would be a second --check).
TEST_F(CompareAbCli, AbChecksItsJsonPathFirstAndKeepsTheScenario) {
  const auto bad = run_ktstr({"ab", "--aa", "steady", "--json", "/nonexistent/dir/ab.json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--json"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("does not exist"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("ktstr ab: "), std::string::npos) << "a round ran: " << bad.err;
  const auto kept = run_ktstr({"ab", "--aa", "--check", "max_gap_ms=500", "no_such_scenario"});
  EXPECT_EQ(kept.exit_code, 2);
  EXPECT_NE(kept.err.find("no scenario named 'no_such_scenario'"), std::string::npos) << kept.err;
}

// Real runs on this host: A/A with too few rounds is inconclusive, never a
// pass; with enough rounds (and alpha 0.01 so this test itself fails by
// chance in at most 1% of runs) it reports no regression.
TEST_F(CompareAbCli, AaOnThisHostIsNoRegression) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (cgroups)";
  const auto two = run_ktstr({"ab", "--aa", "steady", "--rounds", "2", "--duration", "1s"});
  EXPECT_EQ(two.exit_code, 4) << two.out << two.err;
  EXPECT_NE(two.out.find("schedule ABBA (2 rounds"), std::string::npos) << two.out;
  EXPECT_NE(two.out.find("result: inconclusive: 2 vs 2 repeats"), std::string::npos) << two.out;
  EXPECT_EQ(two.out.find("REGRESSION"), std::string::npos);
  EXPECT_NE(two.err.find("ktstr ab: round 2/2: A"), std::string::npos) << two.err;
  const std::string json = dir_ + "/ab.json";
  const auto five =
      run_ktstr({"ab", "--aa", "steady", "--rounds", "5", "--duration", "1s", "--alpha", "0.01",
                 "--metric", "iterations_per_s", "--metric", "max_gap_ms", "--json", json});
  EXPECT_EQ(five.exit_code, 0) << five.out << five.err;
  EXPECT_NE(five.out.find("result: no significant regression"), std::string::npos) << five.out;
  auto text = read_file(json);
  ASSERT_TRUE(text);
  const auto doc = nlohmann::json::parse(*text);
  EXPECT_EQ(doc["schedule"], "ABBAABBAAB");
  EXPECT_EQ(doc["a"]["document"]["scenarios"].size(), 5u);
  EXPECT_EQ(doc["b"]["document"]["scenarios"].size(), 5u);
  EXPECT_TRUE(doc["a"]["document"]["fingerprint"].is_object());
  EXPECT_EQ(doc["comparison"]["family_size"], 2);
  EXPECT_EQ(doc["comparison"]["regressions"], 0);
  EXPECT_TRUE(doc["comparison"]["definition_mismatches"].empty());
}

}  // namespace
}  // namespace ktstr
