#include "util/result.hpp"

#include <cstring>

namespace ktstr {

std::string Error::describe() const {
  std::string out = context.empty() ? message : context + ": " + message;
  if (err != 0) out += fmt::format(" ({})", std::strerror(err));
  return out;
}

}  // namespace ktstr
