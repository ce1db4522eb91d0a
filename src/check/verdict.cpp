#include "check/verdict.hpp"

#include "util/enum_names.hpp"

namespace ktstr::check {

namespace {
constexpr EnumName<Verdict> kVerdictNames[] = {{Verdict::kPass, "pass"},
                                               {Verdict::kSkip, "skip"},
                                               {Verdict::kInconclusive, "inconclusive"},
                                               {Verdict::kFlaky, "flaky"},
                                               {Verdict::kFail, "fail"}};
}  // namespace

std::string_view to_string(Verdict v) {
  return enum_name<Verdict>(kVerdictNames, v, "fail");
}

Result<Verdict> parse_verdict(std::string_view text) {
  if (auto v = enum_from_name<Verdict>(kVerdictNames, text)) return *v;
  return invalid_input(
      fmt::format("'{}' is not a verdict (pass, skip, inconclusive, flaky, fail)", text));
}

Verdict worst(Verdict a, Verdict b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

}  // namespace ktstr::check
