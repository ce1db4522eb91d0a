// The validation half of confinement (no root needed): cgroup_attach_storm's
// dest must stay inside the run's cgroup tree, and an I/O type's device must
// be a block device allowed with --allow-device.
#include <gtest/gtest.h>

#include "workload/io_devices.hpp"
#include "workload/spec.hpp"

namespace ktstr::workload {
namespace {

Status validate(const std::string& type, const std::string& key, const std::string& value) {
  WorkSpec spec;
  spec.work.name = type;
  spec.work.params[key] = value;
  spec.num_workers = 1;
  SpecContext ctx;
  ctx.source = SpecSource::kScenario;
  auto v = validate_work_spec(spec, ctx);
  if (!v) return unexpected(v.error());
  return {};
}

TEST(Confinement, AttachStormDestMustStayInTheRunTree) {
  for (const char* dest : {"/sys/fs/cgroup", "..", "../host", "cg_0/../../x", "./cg_0", "cg_0//x",
                           "cg_0/", "cg_0/."}) {
    auto st = validate("cgroup_attach_storm", "dest", dest);
    ASSERT_FALSE(st) << dest;
    EXPECT_EQ(st.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(st.error().describe().find(std::string("param dest=") + dest), std::string::npos)
        << st.error().describe();
    EXPECT_NE(st.error().describe().find("outside the run's cgroup tree"), std::string::npos);
  }
  for (const char* dest : {"cg_1", "cg_0/sub", "a..b"}) {
    EXPECT_TRUE(validate("cgroup_attach_storm", "dest", dest)) << dest;
  }
}

TEST(Confinement, DeviceMustBeAnAllowedBlockDevice) {
  ASSERT_TRUE(set_allowed_devices({}));
  auto file = validate("io_sync_write", "device", "/etc/hostname");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().describe().find("param device=/etc/hostname: /etc/hostname is not a block "
                                         "device"),
            std::string::npos)
      << file.error().describe();
  auto chr = validate("io_convoy", "device", "/dev/null");
  ASSERT_FALSE(chr);
  EXPECT_NE(chr.error().describe().find("not a block device"), std::string::npos);
  auto missing = validate("io_rand_read", "device", "/dev/ktstr-no-such-disk");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().describe().find("cannot resolve"), std::string::npos);
}

TEST(Confinement, AllowDeviceRefusesWhatIsNotABlockDevice) {
  for (const char* path : {"/dev/null", "/etc/hostname", "/tmp", "/dev/ktstr-no-such-disk"}) {
    auto st = set_allowed_devices({path});
    ASSERT_FALSE(st) << path;
    EXPECT_EQ(st.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(st.error().describe().find("--allow-device"), std::string::npos)
        << st.error().describe();
  }
  EXPECT_TRUE(set_allowed_devices({}));
}

}  // namespace
}  // namespace ktstr::workload
