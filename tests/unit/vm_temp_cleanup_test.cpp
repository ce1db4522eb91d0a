// Owner marks of temp dirs and removal of dead runs' dirs, with a fake
// procfs; live owners (same pid and start time) are never touched.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "sys/proc_pid.hpp"
#include "vm/cache.hpp"
#include "vm/temp_cleanup.hpp"

namespace ktstr::vm {
namespace {

namespace fs = std::filesystem;

void put(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

// A stat line whose start time (field 22) is `ticks`.
std::string stat_with_start(uint64_t ticks) {
  return fmt::format("1 (x) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 {} 0 0\n", ticks);
}

TEST(VmTempCleanup, ParsesMarks) {
  auto m = parse_owner_mark("4242 7315\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->pid, 4242);
  EXPECT_EQ(m->start_ticks, 7315u);
  EXPECT_FALSE(parse_owner_mark(""));
  EXPECT_FALSE(parse_owner_mark("-1 5"));
  EXPECT_FALSE(parse_owner_mark("12 5 extra"));
  EXPECT_FALSE(parse_owner_mark("12"));
}

TEST(VmTempCleanup, RemovesOnlyDirsOfDeadOwners) {
  std::string tmpl = (fs::temp_directory_path() / "vm-temp-cleanup-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const std::string root = tmpl + "/tmp", procfs = tmpl + "/proc";
  put(procfs + "/100/stat", stat_with_start(500));  // alive, started at 500
  put(procfs + "/200/stat", stat_with_start(900));  // pid 200 reused by a later process
  put(root + "/ktstr-vm-live/.ktstr-owner", "100 500\n");
  put(root + "/ktstr-vm-dead/.ktstr-owner", "300 1\n");
  put(root + "/ktstr-vm-dead/initrd.cpio", "x");
  put(root + "/ktstr-initramfs-reused/.ktstr-owner", "200 800\n");
  put(root + "/ktstr-vm-unmarked/console.log", "x");  // an older ktstr's: kept
  put(root + "/other-dir/.ktstr-owner", "300 1\n");   // not ours by name: kept

  TempCleanupReport r = remove_stale_temp_dirs(root, procfs);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.removed.size(), 2u);
  std::set<std::string> removed{r.removed[0].path, r.removed[1].path};
  EXPECT_EQ(removed,
            (std::set<std::string>{root + "/ktstr-vm-dead", root + "/ktstr-initramfs-reused"}));
  EXPECT_TRUE(fs::exists(root + "/ktstr-vm-live"));
  EXPECT_TRUE(fs::exists(root + "/ktstr-vm-unmarked"));
  EXPECT_TRUE(fs::exists(root + "/other-dir"));
  EXPECT_FALSE(fs::exists(root + "/ktstr-vm-dead"));
  fs::remove_all(tmpl);
}

TEST(VmTempCleanup, TempDirCarriesOurMark) {
  auto dir = TempDir::create("ktstr-mark-test-");
  ASSERT_TRUE(dir) << dir.error().describe();
  std::ifstream in(dir->path() + "/" + kOwnerMarkName);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto mark = parse_owner_mark(text);
  ASSERT_TRUE(mark) << text;
  EXPECT_EQ(mark->pid, ::getpid());
  EXPECT_EQ(mark->start_ticks, sys::process_start_ticks(::getpid()));
  // Our own live dir survives a sweep of its parent.
  const std::string parent = fs::path(dir->path()).parent_path().string();
  for (const auto& d : remove_stale_temp_dirs(parent).removed) EXPECT_NE(d.path, dir->path());
  EXPECT_TRUE(fs::exists(dir->path()));
}

}  // namespace
}  // namespace ktstr::vm
