#include <gtest/gtest.h>

#include "util/cpu_list.hpp"
#include "util/duration.hpp"
#include "util/enum_names.hpp"
#include "util/exit_codes.hpp"

namespace ktstr {
namespace {

TEST(CpuList, ParsesRangesAndSingles) {
  auto r = parse_cpu_list("0-3,5,7-9\n");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(*r, (CpuSet{0, 1, 2, 3, 5, 7, 8, 9}));
  EXPECT_EQ(format_cpu_list(*r), "0-3,5,7-9");
}

TEST(CpuList, EmptyAndErrors) {
  EXPECT_TRUE(parse_cpu_list("")->empty());
  EXPECT_FALSE(parse_cpu_list("3-1"));
  EXPECT_FALSE(parse_cpu_list("a"));
  EXPECT_EQ(parse_cpu_list("x").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_EQ(format_cpu_list({4}), "4");
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(*parse_duration_ns("250ms"), 250000000u);
  EXPECT_EQ(*parse_duration_ns("10s"), 10000000000u);
  EXPECT_EQ(*parse_duration_ns("1.5s"), 1500000000u);
  EXPECT_EQ(*parse_duration_ns("100us"), 100000u);
  EXPECT_EQ(*parse_duration_ns("2m"), 120000000000u);
  EXPECT_FALSE(parse_duration_ns("10"));
  EXPECT_FALSE(parse_duration_ns("-1s"));
  EXPECT_FALSE(parse_duration_ns("fast"));
  EXPECT_EQ(format_duration_ns(1500000000), "1.5s");
  EXPECT_EQ(format_duration_ns(250000000), "250ms");
  EXPECT_EQ(format_duration_ns(12), "12ns");
}

enum class Colour { kRed, kGreen, kBlue };
constexpr EnumName<Colour> kColours[] = {{Colour::kRed, "red"}, {Colour::kGreen, "green"}};

TEST(EnumNames, BothDirectionsFromOneTable) {
  EXPECT_EQ(enum_name<Colour>(kColours, Colour::kGreen), "green");
  EXPECT_EQ(enum_name<Colour>(kColours, Colour::kBlue), "?");
  EXPECT_EQ(enum_name<Colour>(kColours, Colour::kBlue, "none"), "none");
  EXPECT_EQ(enum_from_name<Colour>(kColours, "red"), Colour::kRed);
  EXPECT_EQ(enum_from_name<Colour>(kColours, "Red"), std::nullopt);
  EXPECT_EQ(enum_names<Colour>(kColours), (std::vector<std::string>{"red", "green"}));
}

TEST(ExitCodes, OnePerErrorKind) {
  EXPECT_EQ(exit_code_for(ErrorKind::kInvalidInput), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::kEnvironment), 3);
  EXPECT_EQ(exit_code_for(ErrorKind::kRuntime), 1);
}

}  // namespace
}  // namespace ktstr
