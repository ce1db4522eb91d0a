#include "util/fault_inject.hpp"

#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

namespace ktstr {

void inject_fault_at(std::string_view point) {
  const char* spec = std::getenv("KTSTR_INJECT_FAULT");
  if (spec == nullptr) return;
  const std::string_view s(spec);
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || s.substr(0, colon) != point) return;
  const std::string_view kind = s.substr(colon + 1);
  const std::string what = "injected at " + std::string(point);
  if (kind == "bad_alloc") throw std::bad_alloc();
  if (kind == "logic_error") throw std::length_error(what);
  throw std::runtime_error(what);
}

}  // namespace ktstr
