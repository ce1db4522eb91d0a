#include <gtest/gtest.h>

#include <string>

#include "util/file_io.hpp"
#include "vm/cache.hpp"
#include "vm/kernel_build.hpp"
#include "vm/kernel_fetch.hpp"
#include "vm/kernel_store.hpp"

namespace ktstr::vm {
namespace {

TEST(KernelFetch, PicksNewestCloudImage) {
  std::string out =
      "linux-image-6.12.107+deb12-cloud-amd64-unsigned - Linux 6.12 for x86-64 cloud\n"
      "linux-image-6.12.117+deb12-cloud-amd64-unsigned - Linux 6.12 for x86-64 cloud\n"
      "linux-image-6.12.99+deb12-cloud-amd64-unsigned - Linux 6.12 for x86-64 cloud\n"
      "linux-image-6.12.117+deb12-cloud-amd64-dbg - debug\n"
      "linux-image-6.1.0-30-cloud-amd64-unsigned - Linux 6.1\n";
  EXPECT_EQ(newest_cloud_image_package(out), "linux-image-6.12.117+deb12-cloud-amd64-unsigned");
  EXPECT_FALSE(newest_cloud_image_package("nothing here\n"));
}

TEST(KernelBuild, ConfigMismatches) {
  std::string frag = "CONFIG_A=y\nCONFIG_B=n\nCONFIG_C=256\n# comment\nCONFIG_D=y\n";
  std::string dot = "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=64\n# CONFIG_D is not set\n";
  auto m = config_mismatches(frag, dot);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "CONFIG_C: wanted 256, got 64");
  EXPECT_EQ(m[1], "CONFIG_D: wanted y, got n");
  EXPECT_TRUE(config_mismatches("CONFIG_X=n\n", "").empty());  // unset counts as n
}

TEST(KernelBuild, EmbeddedFragmentHasSchedExt) {
  EXPECT_NE(embedded_sched_ext_fragment().find("CONFIG_SCHED_CLASS_EXT=y"), std::string_view::npos);
}

TEST(KernelBuild, KeyDependsOnFragmentAndMissingSourceIsEnvironmentError) {
  auto dir = TempDir::create("ktstr-key-test-");
  ASSERT_TRUE(dir);
  std::string src = dir->path() + "/linux.tar.xz";
  ASSERT_TRUE(write_file_atomic(src, "tarball"));
  ASSERT_TRUE(write_file_atomic(dir->path() + "/a.config", "CONFIG_A=y\n"));
  ASSERT_TRUE(write_file_atomic(dir->path() + "/b.config", "CONFIG_B=y\n"));
  BuildOptions a, b, missing;
  a.cache_root = b.cache_root = missing.cache_root = dir->path();
  a.source = b.source = src;
  a.fragment_path = dir->path() + "/a.config";
  b.fragment_path = dir->path() + "/b.config";
  missing.source = dir->path() + "/nope.tar.xz";
  auto ka = sched_ext_build_key(a), kb = sched_ext_build_key(b);
  ASSERT_TRUE(ka && kb);
  EXPECT_NE(*ka, *kb);
  EXPECT_EQ(*ka, *sched_ext_build_key(a));
  EXPECT_EQ(ka->rfind("sched-ext-", 0), 0u);
  auto km = sched_ext_build_key(missing);
  ASSERT_FALSE(km);
  EXPECT_EQ(km.error().kind, ErrorKind::kEnvironment);
}

TEST(KernelStore, ResolvesFromCache) {
  auto root = TempDir::create("ktstr-store-test-");
  ASSERT_TRUE(root);
  auto add = [&](const std::string& key, const std::string& kind, const std::string& created) {
    KernelInfo k;
    k.key = key;
    k.kind = kind;
    k.created = created;
    k.dir = kernels_dir(root->path()) + "/" + key;
    k.boot_image = k.dir + "/vmlinux.boot";
    ASSERT_TRUE(make_dirs(k.dir));
    ASSERT_TRUE(save_kernel_info(k));
  };
  EXPECT_FALSE(resolve_kernel("auto", root->path()));
  add("debian-1", kKindDebian, "2025-01-01T00:00:00Z");
  auto auto_k = resolve_kernel("auto", root->path());
  ASSERT_TRUE(auto_k);
  EXPECT_EQ(auto_k->key, "debian-1");
  auto no_scx = resolve_kernel("sched-ext", root->path());
  ASSERT_FALSE(no_scx);
  EXPECT_NE(no_scx.error().message.find("ktstr kernel build"), std::string::npos);
  add("sched-ext-old", kKindSchedExt, "2025-01-01T00:00:00Z");
  add("sched-ext-new", kKindSchedExt, "2025-02-01T00:00:00Z");
  EXPECT_EQ(resolve_kernel("auto", root->path())->key, "sched-ext-new");
  EXPECT_EQ(resolve_kernel("sched-ext", root->path(), "sched-ext-old")->key, "sched-ext-old");
  auto by_key = resolve_kernel("debian-1", root->path());
  ASSERT_TRUE(by_key);
  EXPECT_EQ(by_key->boot_image, kernels_dir(root->path()) + "/debian-1/vmlinux.boot");
  auto missing = resolve_kernel("/nonexistent/vmlinux", root->path());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kEnvironment);
  EXPECT_EQ(list_kernels(root->path()).size(), 3u);
}

TEST(Cache, RootPrecedence) {
  EXPECT_EQ(cache_root({"/k", "/x", "/h"}), "/k");
  EXPECT_EQ(cache_root({"", "/x", "/h"}), "/x/ktstr");
  EXPECT_EQ(cache_root({"", "", "/h"}), "/h/.cache/ktstr");
  EXPECT_EQ(cache_root({"", "", ""}), "");
}

}  // namespace
}  // namespace ktstr::vm
