#include "check/verdict.hpp"

namespace ktstr::check {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kSkip:
      return "skip";
    case Verdict::kInconclusive:
      return "inconclusive";
    case Verdict::kFail:
      return "fail";
  }
  return "fail";
}

Result<Verdict> parse_verdict(std::string_view text) {
  for (Verdict v : {Verdict::kPass, Verdict::kSkip, Verdict::kInconclusive, Verdict::kFail}) {
    if (to_string(v) == text) return v;
  }
  return invalid_input(fmt::format("'{}' is not a verdict (pass, skip, inconclusive, fail)", text));
}

Verdict worst(Verdict a, Verdict b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

}  // namespace ktstr::check
