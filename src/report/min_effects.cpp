#include "report/min_effects.hpp"

#include <fmt/format.h>

namespace ktstr::report {

Result<std::map<std::string, MinEffect>> parse_min_effects(const std::vector<std::string>& specs) {
  std::map<std::string, MinEffect> out;
  for (const auto& spec : specs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid_input(fmt::format("'{}' is not METRIC=VALUE (e.g. wake_p99_us=15%)", spec),
                           "--min-effect");
    }
    auto effect = parse_min_effect(spec.substr(eq + 1));
    if (!effect) return unexpected(with_context(effect.error(), "--min-effect " + spec));
    out[spec.substr(0, eq)] = *effect;
  }
  return out;
}

}  // namespace ktstr::report
