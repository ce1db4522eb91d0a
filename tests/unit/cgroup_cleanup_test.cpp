// cleanup_stale's selection and depth-first removal on a plain directory
// tree with a fake procfs; the real cgroupfs case is an integration test.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "cgroup/cleanup.hpp"

namespace ktstr::cgroup {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "ktstr-cgroup-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CgroupCleanup, RemovesOnlyTreesOfDeadPids) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  std::string root = tmp.path() + "/root";
  std::string procfs = tmp.path() + "/proc";
  fs::create_directories(root + "/ktstr-111/a/b");
  fs::create_directories(root + "/ktstr-111/c");
  fs::create_directories(root + "/ktstr-333-sandbox/x");
  fs::create_directories(root + "/ktstr-222");  // alive
  fs::create_directories(root + "/other-444");  // not ours
  fs::create_directories(root + "/ktstr-12x");  // not a run name
  fs::create_directories(procfs + "/222");

  CleanupReport report = cleanup_stale({root, tmp.path() + "/missing-root"}, procfs, 1000);
  EXPECT_TRUE(report.errors.empty()) << report.errors.front().describe();
  ASSERT_EQ(report.removed.size(), 2u);
  EXPECT_EQ(report.removed[0].path, root + "/ktstr-111");
  EXPECT_EQ(report.removed[0].pid, 111);
  EXPECT_EQ(report.removed[0].tasks_moved, 0u);
  EXPECT_EQ(report.removed[1].path, root + "/ktstr-333-sandbox");
  EXPECT_EQ(report.removed[1].pid, 333);
  EXPECT_FALSE(fs::exists(root + "/ktstr-111"));
  EXPECT_FALSE(fs::exists(root + "/ktstr-333-sandbox"));
  EXPECT_TRUE(fs::exists(root + "/ktstr-222"));
  EXPECT_TRUE(fs::exists(root + "/other-444"));
  EXPECT_TRUE(fs::exists(root + "/ktstr-12x"));
}

TEST(CgroupCleanup, ReportsWhatCannotBeRemoved) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  std::string root = tmp.path() + "/root";
  fs::create_directories(root + "/ktstr-555/a");
  // A regular file makes the directory non-empty, as a cgroup with tasks is.
  {
    std::FILE* f = std::fopen((root + "/ktstr-555/a/stuck").c_str(), "w");
    std::fclose(f);
  }
  CleanupReport report = cleanup_stale({root}, tmp.path() + "/proc", 50);
  EXPECT_TRUE(report.removed.empty());
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].err, ENOTEMPTY);
  EXPECT_NE(report.errors[0].context.find("stale run of pid 555"), std::string::npos)
      << report.errors[0].describe();
  EXPECT_NE(report.errors[0].context.find(root + "/ktstr-555/a"), std::string::npos);
}

}  // namespace
}  // namespace ktstr::cgroup
