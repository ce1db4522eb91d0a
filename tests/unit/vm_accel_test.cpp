#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "util/file_io.hpp"
#include "vm/accel.hpp"
#include "vm/cache.hpp"

namespace ktstr::vm {
namespace {

// A fake /dev/kvm (a regular file opens read-write like the device) and a
// fake /sys/module with the named modules.
class AccelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("ktstr-accel-test-");
    ASSERT_TRUE(t);
    dir_ = std::move(*t);
    probe_.dev_kvm = dir_.path() + "/kvm";
    probe_.sys_module = dir_.path() + "/module";
    ASSERT_TRUE(make_dirs(probe_.sys_module));
  }
  void add_kvm() { ASSERT_TRUE(write_file_atomic(probe_.dev_kvm, "")); }
  void add_module(const std::string& m) { ASSERT_TRUE(make_dirs(probe_.sys_module + "/" + m)); }

  TempDir dir_;
  AccelProbe probe_;
};

TEST_F(AccelTest, AutoUsesKvmWithHardwareModule) {
  add_kvm();
  add_module("kvm_intel");
  auto c = choose_accel(Accel::kAuto, probe_);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->accel, Accel::kKvm);
  EXPECT_EQ(c->reason, "KVM (kvm_intel)");
}

TEST_F(AccelTest, AutoFallsBackToTcgOnPvm) {
  add_kvm();
  add_module("kvm_pvm");
  auto c = choose_accel(Accel::kAuto, probe_);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->accel, Accel::kTcg);
  EXPECT_NE(c->reason.find("kvm_pvm"), std::string::npos);
}

TEST_F(AccelTest, AutoFallsBackToTcgWithoutDevice) {
  add_module("kvm_amd");
  auto c = choose_accel(Accel::kAuto, probe_);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->accel, Accel::kTcg);
  EXPECT_NE(c->reason.find("/dev/kvm unusable"), std::string::npos);
}

TEST_F(AccelTest, ExplicitKvmWithoutDeviceIsEnvironmentError) {
  auto c = choose_accel(Accel::kKvm, probe_);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(c.error().message.find("--accel tcg"), std::string::npos);
}

TEST_F(AccelTest, ExplicitChoicesAndParsing) {
  add_kvm();
  add_module("kvm_pvm");
  auto kvm = choose_accel(Accel::kKvm, probe_);
  ASSERT_TRUE(kvm);
  EXPECT_EQ(kvm->accel, Accel::kKvm);
  EXPECT_NE(kvm->reason.find("warning"), std::string::npos);
  EXPECT_EQ(choose_accel(Accel::kTcg, probe_)->accel, Accel::kTcg);
  EXPECT_EQ(*parse_accel("tcg"), Accel::kTcg);
  EXPECT_EQ(*parse_accel("auto"), Accel::kAuto);
  EXPECT_FALSE(parse_accel("hvf"));
}

}  // namespace
}  // namespace ktstr::vm
