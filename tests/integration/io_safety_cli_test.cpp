// Hostile and careless file arguments, end to end through the binary
// (issue 17, items 3 and 4): inputs that are FIFOs, devices, directories or
// too large are exit 2 at once; output paths are checked before any work,
// devices are written in place, symlinks to regular files are refused, at
// most one output takes stdout, and nothing is left behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "leak_checker.hpp"
#include "scenario_support.hpp"
#include "util/file_io.hpp"

namespace ktstr {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;

std::string fixture(const std::string& name) {
  return std::string(KTSTR_TEST_DATA_DIR) + "/report/" + name;
}

// A hang is a test failure, not a stuck suite: SIGKILL after 10 s.
constexpr int kHangLimitMs = 10'000;

struct Timed {
  CliResult r;
  double seconds = 0;
};

Timed run_timed(const std::vector<std::string>& args) {
  const auto start = std::chrono::steady_clock::now();
  Timed t{testing::run_ktstr(args, kHangLimitMs, SIGKILL)};
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return t;
}

class IoSafetyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ktstr-io-safety-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    EXPECT_EQ(leaks_.check(), "");
    fs::remove_all(dir_);
  }
  std::set<std::string> entries() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.insert(e.path().filename().string());
    return out;
  }
  void expect_invalid(const Timed& t, const std::vector<std::string>& words) {
    EXPECT_EQ(t.r.term_signal, 0) << "killed: the command hung";
    EXPECT_EQ(t.r.exit_code, 2) << t.r.err;
    EXPECT_LT(t.seconds, 2.0);
    for (const auto& w : words) EXPECT_NE(t.r.err.find(w), std::string::npos) << w << t.r.err;
  }
  std::string dir_;
  testing::LeakChecker leaks_;
};

TEST_F(IoSafetyCli, FifoScenarioFileIsRefusedWithoutHanging) {
  const std::string fifo = dir_ + "/s.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_invalid(run_timed({"run", fifo}), {fifo, "scenario file is a FIFO"});
  expect_invalid(run_timed({"run", "--dry-run", fifo}), {"a FIFO"});
  EXPECT_TRUE(fs::is_fifo(fifo));
}

TEST_F(IoSafetyCli, DirectoryAndOversizedScenarioFilesAreRefused) {
  fs::create_directory(dir_ + "/d.toml");
  expect_invalid(run_timed({"run", dir_ + "/d.toml"}), {"scenario file is a directory"});
  const std::string big = dir_ + "/big.toml";
  ASSERT_TRUE(write_file_atomic(big, "# " + std::string((1u << 20), 'x') + "\nname = \"x\"\n"));
  expect_invalid(run_timed({"run", big}), {big, "larger than the limit of 1 MiB"});
}

TEST_F(IoSafetyCli, DeviceAndOversizedResultFilesAreRefused) {
  expect_invalid(run_timed({"report", "/dev/zero"}), {"/dev/zero", "a character device"});
  expect_invalid(run_timed({"compare", "/dev/zero", fixture("compare_a.json")}),
                 {"run document is a character device"});
  const std::string fifo = dir_ + "/r.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_invalid(run_timed({"compare", fixture("compare_a.json"), fifo}), {"a FIFO"});
  const std::string sparse = dir_ + "/huge.json";
  ASSERT_TRUE(write_file_atomic(sparse, ""));
  ASSERT_EQ(::truncate(sparse.c_str(), off_t{257} << 20), 0);
  expect_invalid(run_timed({"report", sparse}), {"larger than the limit of 256 MiB"});
}

TEST_F(IoSafetyCli, BadOutputPathStopsTheRunBeforeItStarts) {
  // steady runs for seconds: finishing in well under one means nothing ran.
  auto t = run_timed({"run", "steady", "--json", "/nonexistent/dir/x.json"});
  expect_invalid(t,
                 {"--json /nonexistent/dir/x.json", "directory /nonexistent/dir does not exist"});
  EXPECT_LT(t.seconds, 1.0);
  EXPECT_EQ(t.r.err.find("scenario run(s)"), std::string::npos) << t.r.err;
  auto d = run_timed({"run", "steady", "--html", dir_});
  expect_invalid(d, {"--html " + dir_, "is a directory"});
  EXPECT_LT(d.seconds, 1.0);
  expect_invalid(run_timed({"run", "steady", "--vm", "--trace", "/nonexistent/t.json"}),
                 {"--trace"});
  expect_invalid(run_timed({"report", fixture("run_mixed.json"), "--junit", "/nonexistent/j.xml"}),
                 {"--junit /nonexistent/j.xml"});
}

TEST_F(IoSafetyCli, DevNullStaysADevice) {
  auto t = run_timed({"report", fixture("run_mixed.json"), "--html", "/dev/null", "--junit",
                      "/dev/null", "--trace", dir_ + "/t.json"});
  EXPECT_EQ(t.r.exit_code, 0) << t.r.err;
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(entries(), std::set<std::string>{"t.json"});  // no temp file left beside it
}

TEST_F(IoSafetyCli, SymlinkTargetIsRefusedAndPlantedTempNamesAreUnused) {
  const std::string victim = dir_ + "/victim";
  ASSERT_TRUE(write_file_atomic(victim, "precious\n"));
  const std::string link = dir_ + "/junit.xml";
  ASSERT_EQ(::symlink(victim.c_str(), link.c_str()), 0);
  auto t = run_timed({"report", fixture("run_mixed.json"), "--junit", link});
  expect_invalid(t, {"--junit " + link, "symbolic link"});
  EXPECT_EQ(*read_file(victim), "precious\n");
  EXPECT_TRUE(fs::is_symlink(link));
  // Links planted at the old predictable temp names are never followed.
  const std::string out = dir_ + "/out.xml";
  std::set<std::string> expected = {"junit.xml", "victim", "out.xml"};
  for (int pid = 1; pid < 50; ++pid) {
    const std::string planted = out + ".tmp." + std::to_string(pid);
    ASSERT_EQ(::symlink(victim.c_str(), planted.c_str()), 0);
    expected.insert(fs::path(planted).filename().string());
  }
  auto ok = run_timed({"report", fixture("run_mixed.json"), "--junit", out});
  EXPECT_EQ(ok.r.exit_code, 0) << ok.r.err;
  EXPECT_EQ(*read_file(victim), "precious\n");
  EXPECT_NE(read_file(out)->find("<testsuites"), std::string::npos);
  EXPECT_EQ(entries(), expected);  // no temp file left
}

TEST_F(IoSafetyCli, AtMostOneOutputOnStdout) {
  expect_invalid(run_timed({"report", fixture("run_mixed.json"), "--junit", "-", "--trace", "-"}),
                 {"--junit - and --trace - both ask for standard output"});
  auto run = run_timed({"run", "steady", "--json", "-", "--html", "-"});
  expect_invalid(run, {"--html - and --json -"});
  EXPECT_LT(run.seconds, 1.0);
  auto one = run_timed({"report", fixture("run_mixed.json"), "--junit", "-", "--text"});
  ASSERT_EQ(one.r.exit_code, 0) << one.r.err;
  EXPECT_EQ(one.r.out.rfind("<?xml", 0), 0u) << one.r.out.substr(0, 200);
  EXPECT_EQ(one.r.out.find("ktstr run on testbox"), std::string::npos);  // XML only
  EXPECT_NE(one.r.err.find("ktstr run on testbox"), std::string::npos) << one.r.err;
  EXPECT_NE(one.r.err.find("FAILED       cpuset_split"), std::string::npos);
}

TEST_F(IoSafetyCli, JsonOnStdoutSummaryOnStderr) {
  KTSTR_SCENARIO_PRECONDITIONS();
  auto t = testing::run_ktstr({"run", "steady", "--duration", "1s", "--json", "-", "--check",
                               "max_gap_ms=false", "--check", "max_spread_pct=false"},
                              60'000, SIGKILL);
  ASSERT_EQ(t.term_signal, 0);
  // The verdict may vary on a loaded host; where the text goes may not.
  ASSERT_TRUE(t.exit_code == 0 || t.exit_code == 1 || t.exit_code == 4) << t.err;
  auto j = nlohmann::json::parse(t.out);  // stdout is the document alone
  EXPECT_EQ(j["scenarios"][0]["name"], "steady");
  EXPECT_EQ(j["exit_code"], t.exit_code);
  EXPECT_NE(t.err.find("1 scenario run(s): "), std::string::npos) << t.err;  // the summary
}

}  // namespace
}  // namespace ktstr
