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

Result<CompareReport> compare_files(const CompareFiles& f) {
  auto as_input_error = [](Error e) {
    e.kind = ErrorKind::kInvalidInput;
    return unexpected(std::move(e));
  };
  auto a = load_compare_input(f.a);
  if (!a) return as_input_error(a.error());
  auto b = load_compare_input(f.b);
  if (!b) return as_input_error(b.error());
  auto effects = parse_min_effects(f.min_effects);
  if (!effects) return as_input_error(effects.error());
  CompareOptions opts = f.options;
  opts.min_effects = *effects;
  auto rep = compare_runs(*a, *b, opts);
  if (!rep) return as_input_error(rep.error());
  return rep;
}

}  // namespace ktstr::report
