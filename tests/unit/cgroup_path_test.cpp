#include <gtest/gtest.h>

#include <string>

#include "cgroup/path.hpp"

namespace ktstr::cgroup {
namespace {

TEST(CgroupPath, AcceptsSimpleAndNestedNames) {
  for (const char* ok : {"a", "cg_0", "a/b", "a/b/c", "x.y-z_1", "...a", "a..b"}) {
    EXPECT_TRUE(validate_cgroup_path(ok)) << ok;
  }
  EXPECT_TRUE(validate_cgroup_path(std::string(kMaxNameLen, 'n')));
}

// Each rejection names the path and the violated rule.
void expect_rejected(const std::string& rel, const std::string& rule_words) {
  Status s = validate_cgroup_path(rel);
  ASSERT_FALSE(s) << "accepted: " << rel;
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(s.error().context, "cgroup '" + rel + "'");
  EXPECT_NE(s.error().message.find(rule_words), std::string::npos)
      << rel << " -> " << s.error().message;
}

TEST(CgroupPath, RejectsEscapes) {
  expect_rejected("..", "'..'");
  expect_rejected("../x", "'..'");
  expect_rejected("a/../../etc", "'..'");
  expect_rejected("a/..", "'..'");
  expect_rejected(".", "'.'");
  expect_rejected("a/./b", "'.'");
  expect_rejected("/sys/fs/cgroup", "absolute");
  expect_rejected("/", "absolute");
}

TEST(CgroupPath, RejectsEmptyComponents) {
  expect_rejected("", "empty");
  expect_rejected("a//b", "empty path component");
  expect_rejected("a/", "empty path component");
}

TEST(CgroupPath, RejectsOtherCharactersAndLongNames) {
  for (const char* bad : {"a b", "a\\b", "a*", "ü", "a\nb", "cg:0", "a/b~"}) {
    expect_rejected(bad, "only letters, digits");
  }
  expect_rejected(std::string(kMaxNameLen + 1, 'n'), "longer than 255");
  expect_rejected("a/" + std::string(kMaxNameLen + 1, 'n'), "longer than 255");
}

TEST(CgroupRunName, ParsesPidAndOptionalTag) {
  EXPECT_EQ(run_name_pid("ktstr-123"), 123);
  EXPECT_EQ(run_name_pid("ktstr-123-sandbox"), 123);
  EXPECT_EQ(run_name_pid("ktstr-7-a.b_c-d"), 7);
  for (const char* bad : {"ktstr-", "ktstr-x", "ktstr--1", "ktstr-0", "ktstr-012", "ktstr-12-",
                          "ktstr-12x", "ktstr-12-a/b", "other-12", "ktstr-99999999999"}) {
    EXPECT_FALSE(run_name_pid(bad)) << bad;
  }
  EXPECT_EQ(make_run_name(42), "ktstr-42");
  EXPECT_EQ(make_run_name(42, "t1"), "ktstr-42-t1");
  EXPECT_EQ(run_name_pid(make_run_name(42, "t1")), 42);
}

}  // namespace
}  // namespace ktstr::cgroup
