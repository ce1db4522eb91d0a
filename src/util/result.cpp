#include "util/result.hpp"

#include <cstring>

namespace ktstr {

std::string Error::describe() const {
  std::string out = context.empty() ? message : context + ": " + message;
  if (err != 0) out += fmt::format(" ({})", std::strerror(err));
  return out;
}

Error combine_problems(const std::vector<Error>& all) {
  if (all.size() == 1) return all.front();
  Error out;
  out.kind = all.empty() ? ErrorKind::kInvalidInput : all.front().kind;
  out.problems = 0;
  std::string lines;
  for (const auto& e : all) {
    // A combined error's lines join this list at the same level.
    const auto nl = e.problems > 1 ? e.message.find('\n') : std::string::npos;
    lines += nl != std::string::npos ? e.message.substr(nl) : "\n  " + e.describe();
    out.problems += e.problems;
  }
  out.message = fmt::format("{} problems:{}", out.problems, lines);
  return out;
}

}  // namespace ktstr
