#include <gtest/gtest.h>

#include <string>

#include "vm/cpio.hpp"

namespace ktstr::vm {
namespace {

std::string header(const char* fields) {
  return std::string("070701") + fields;
}

// Hand-computed newc bytes: a directory, a file in it, a symlink, trailer.
TEST(Cpio, GoldenBytes) {
  CpioWriter w;
  w.add_dir("/a");
  w.add_file("/a/f", "hi\n", 0644);
  w.add_symlink("/l", "a");
  w.finish();
  std::string want;
  // ino 1, mode 040755, nlink 2, namesize 2
  want += header(
      "00000001000041ed000000000000000000000002000000000000000000000000000000000000000000000000"
      "0000000200000000");
  want += std::string("a\0\0", 2);  // 110 + 2 = 112, already aligned
  // ino 2, mode 0100644, nlink 1, size 3, namesize 4
  want += header(
      "00000002000081a4000000000000000000000001000000000000000300000000000000000000000000000000"
      "0000000400000000");
  want += std::string("a/f\0\0\0", 6);  // 110 + 4 -> pad to 116
  want += std::string("hi\n\0", 4);     // data 3 -> pad to 120
  // ino 3, mode 0120777, nlink 1, size 1, namesize 2
  want += header(
      "000000030000a1ff000000000000000000000001000000000000000100000000000000000000000000000000"
      "0000000200000000");
  want += std::string("l\0", 2);
  want += std::string("a\0\0\0", 4);
  // trailer: ino 0, mode 0, nlink 1, namesize 11
  want += header(
      "0000000000000000000000000000000000000001000000000000000000000000000000000000000000000000"
      "0000000b00000000");
  want += std::string("TRAILER!!!\0\0\0\0", 14);  // 110 + 11 -> pad to 124
  ASSERT_EQ(w.bytes().size(), 472u);
  EXPECT_EQ(w.bytes(), want);
}

TEST(Cpio, ParentsAddedOnceAndDevicesCarryNumbers) {
  CpioWriter w;
  w.add_file("/x/y/z", "1");
  w.add_file("/x/y/w", "2");
  w.add_char_device("/dev/ttyS1", 4, 65);
  w.finish();
  const std::string& b = w.bytes();
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t p = b.find(needle); p != std::string::npos; p = b.find(needle, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(std::string("x\0", 2)), 1u);
  EXPECT_EQ(count(std::string("x/y\0", 4)), 1u);
  // rdevmajor 4, rdevminor 0x41 right after filesize/devmajor/devminor.
  EXPECT_NE(b.find("0000000000000000000000000000000400000041"
                   "0000000a"),
            std::string::npos);
  EXPECT_EQ(b.size() % 4, 0u);
}

}  // namespace
}  // namespace ktstr::vm
