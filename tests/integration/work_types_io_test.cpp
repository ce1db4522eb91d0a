// io_sync_write, io_rand_read, io_convoy: every byte a worker claims to
// have moved shows up in its own /proc/thread-self/io counters, the
// scratch files vanish with the worker, and memory-backed directories
// degrade with a warning.
#include <gtest/gtest.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "work_types_misc_util.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;
using workload::WorkerReport;

constexpr double kBlock = 4096;

// Claimed bytes must be backed by the kernel's own accounting: syscall
// bytes always; block-layer bytes when O_DIRECT was in effect (reads) or
// the directory is disk-backed (writes are counted when pages are dirtied).
void expect_bytes_accounted(const WorkerReport& r) {
  const double read = extra_or(r, "bytes_read", -1);
  const double written = extra_or(r, "bytes_written", -1);
  ASSERT_GE(read, 0);
  ASSERT_GE(written, 0);
  ASSERT_GE(extra_or(r, "io_rchar", -1), 0) << "/proc/thread-self/io unreadable";
  EXPECT_GE(extra_or(r, "io_rchar", 0), read);
  EXPECT_GE(extra_or(r, "io_wchar", 0), written);
  if (extra_or(r, "direct", 0) == 1) {
    EXPECT_GE(extra_or(r, "io_read_bytes", 0), read);
    EXPECT_GE(extra_or(r, "io_write_bytes", 0), written);
  }
}

class IoModes : public ::testing::TestWithParam<CloneMode> {};

TEST_P(IoModes, SyncWriteSyncsEvery16Blocks) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto reports = run_reports("io_sync_write", 1, {{"dir", dir.path()}, {"file_mib", "2"}},
                             GetParam(), 500'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  ASSERT_GT(r.iterations, 0u);
  EXPECT_EQ(r.wake_sample_total, r.iterations) << "one fdatasync sample per batch";
  EXPECT_EQ(extra_or(r, "bytes_written", 0), 16 * kBlock * static_cast<double>(r.iterations));
  EXPECT_EQ(extra_or(r, "bytes_read", -1), 0);
  expect_bytes_accounted(r);
  if (r.warnings.empty()) {  // disk-backed: the page-dirtying accounting saw every block
    EXPECT_GE(extra_or(r, "io_write_bytes", 0), extra_or(r, "bytes_written", 0));
  }
  EXPECT_TRUE(dir.empty()) << "scratch file left in " << dir.path();
}

TEST_P(IoModes, RandReadReadsOneBlockPerIteration) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto reports = run_reports("io_rand_read", 2, {{"dir", dir.path()}, {"file_mib", "4"}},
                             GetParam(), 600'000'000);
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& r : reports) {
    ASSERT_GT(r.iterations, 0u) << "file preparation took the whole run?";
    EXPECT_EQ(r.wake_sample_total, r.iterations);
    EXPECT_EQ(extra_or(r, "bytes_read", 0), kBlock * static_cast<double>(r.iterations));
    EXPECT_EQ(extra_or(r, "bytes_written", -1), 0);
    expect_bytes_accounted(r);
  }
  EXPECT_TRUE(dir.empty()) << "scratch file left in " << dir.path();
}

TEST_P(IoModes, ConvoyWritesAndReadsEachStep) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto reports = run_reports("io_convoy", 1, {{"dir", dir.path()}, {"file_mib", "4"}}, GetParam(),
                             600'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  ASSERT_GT(r.iterations, 16u) << "too few steps to include a sync";
  EXPECT_EQ(r.wake_sample_total, r.iterations);
  EXPECT_EQ(extra_or(r, "bytes_read", 0), kBlock * static_cast<double>(r.iterations));
  EXPECT_EQ(extra_or(r, "bytes_written", 0), kBlock * static_cast<double>(r.iterations));
  expect_bytes_accounted(r);
  EXPECT_TRUE(dir.empty()) << "scratch file left in " << dir.path();
}

INSTANTIATE_TEST_SUITE_P(Modes, IoModes, ::testing::Values(CloneMode::kFork, CloneMode::kThread),
                         mode_param_name);

TEST(IoWorkTypes, MemoryBackedDirectoryDegradesWithOneWarning) {
  struct statfs st {};
  if (statfs("/dev/shm", &st) != 0 || st.f_type != 0x01021994) {
    GTEST_SKIP() << "/dev/shm is not tmpfs here";
  }
  auto reports = run_reports("io_rand_read", 1, {{"dir", "/dev/shm"}, {"file_mib", "2"}},
                             CloneMode::kFork, 300'000'000);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("tmpfs"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(extra_or(r, "direct", -1), 0) << "O_DIRECT must not be used on tmpfs";
  EXPECT_GT(extra_or(r, "bytes_read", 0), 0);
  expect_bytes_accounted(r);
}

// A device is checked where the spec is validated (confinement_test.cpp
// covers regular files and the --allow-device allowance).
TEST(IoWorkTypes, MissingDeviceIsRejectedByName) {
  expect_rejected("io_convoy", {{"device", "/nonexistent/vdz"}}, "param device=/nonexistent/vdz");
}

TEST(IoWorkTypes, BadParamsAreRejectedByName) {
  expect_rejected("io_sync_write", {{"file_mib", "0"}}, "file_mib");
  expect_rejected("io_rand_read", {{"dir", "relative/dir"}}, "dir");
  expect_rejected("io_convoy", {{"device", "vdb"}}, "device");
}

}  // namespace
}  // namespace ktstr::testing
