#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "util/file_io.hpp"
#include "vm/elf_deps.hpp"
#include "vm/vmlinux_extract.hpp"

namespace ktstr::vm {
namespace {

// The ktstr binary itself is a real dynamic executable with known needs.
TEST(ElfDeps, ParsesKtstrBinary) {
  auto info = read_elf_dynamic(KTSTR_BINARY);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->interpreter, "/lib64/ld-linux-x86-64.so.2");
  auto has = [&](const std::string& n) {
    return std::find(info->needed.begin(), info->needed.end(), n) != info->needed.end();
  };
  EXPECT_TRUE(has("libc.so.6"));
  EXPECT_TRUE(has("libstdc++.so.6"));
}

TEST(ElfDeps, ClosureIncludesTransitiveLibsAndLoaderOnce) {
  auto deps = elf_dependency_closure(KTSTR_BINARY);
  ASSERT_TRUE(deps) << deps.error().describe();
  size_t loaders = 0, libc = 0, libm = 0;
  for (const auto& d : *deps) {
    if (d.interpreter) ++loaders;
    if (d.name == "libc.so.6") ++libc;
    if (d.name == "libm.so.6") ++libm;  // needed by libstdc++, maybe not by ktstr directly
    EXPECT_FALSE(d.host_path.empty());
  }
  EXPECT_EQ(loaders, 1u);
  EXPECT_EQ(libc, 1u);
  EXPECT_EQ(libm, 1u);
}

TEST(ElfDeps, MissingLibraryIsEnvironmentError) {
  auto deps = elf_dependency_closure(KTSTR_BINARY, {"/nonexistent"});
  ASSERT_FALSE(deps);
  EXPECT_EQ(deps.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(deps.error().message.find("not found"), std::string::npos);
}

TEST(ElfDeps, RejectsNonElf) {
  auto r = parse_elf_dynamic("#!/bin/sh\n", "script");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context, "script");
}

TEST(VmlinuxExtract, CompleteElfCheck) {
  auto self = read_file(KTSTR_BINARY);
  ASSERT_TRUE(self);
  EXPECT_TRUE(is_complete_elf64(*self));
  EXPECT_FALSE(is_complete_elf64(self->substr(0, self->size() / 2)));
  EXPECT_FALSE(is_complete_elf64("not elf"));
}

TEST(VmlinuxExtract, SetupHeaderPayloadAndMagicScan) {
  // A fake bzImage: setup_sects=1, "HdrS" v2.15, payload at 0x100 after the
  // protected-mode start (2 * 512), 8 bytes long, xz magic.
  std::string img(0x600, '\0');
  img[0x1f1] = 1;
  img.replace(0x202, 4, "HdrS");
  img[0x206] = 0x0f;
  img[0x207] = 0x02;
  img[0x248] = 0x00;
  img[0x249] = 0x01;  // payload_offset 0x100
  img[0x24c] = 8;     // payload_length
  img.replace(0x500, 6, std::string("\xfd\x37\x7a\x58\x5a\x00", 6));
  auto hdr = payload_from_setup_header(img);
  ASSERT_EQ(hdr.size(), 1u);
  EXPECT_EQ(hdr[0].offset, 0x500u);
  EXPECT_EQ(hdr[0].length, 8u);
  EXPECT_EQ(hdr[0].codec, Codec::kXz);
  img.replace(0x580, 3, std::string("\x1f\x8b\x08", 3));
  auto scan = scan_payload_magics(img);
  ASSERT_GE(scan.size(), 2u);
  EXPECT_EQ(scan[0].offset, 0x500u);
  EXPECT_EQ(scan[0].codec, Codec::kXz);
  EXPECT_EQ(scan[1].offset, 0x580u);
  EXPECT_EQ(scan[1].codec, Codec::kGzip);
  EXPECT_EQ(codec_command(Codec::kZstd).front(), "zstd");
}

}  // namespace
}  // namespace ktstr::vm
