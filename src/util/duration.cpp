#include "util/duration.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace ktstr {

Result<uint64_t> parse_duration_ns(std::string_view text) {
  std::string s(text);
  const char* begin = s.c_str();
  char* end = nullptr;
  double value = std::strtod(begin, &end);
  std::string unit(end);
  auto bad = [&] {
    return invalid_input(fmt::format(
        "'{}' is not a duration; write a number with a unit: ns, us, ms, s, m (e.g. 250ms, 10s)",
        text));
  };
  if (end == begin || !std::isfinite(value) || value < 0) return bad();
  double scale = 0;
  if (unit == "ns")
    scale = 1;
  else if (unit == "us" || unit == "µs")
    scale = 1e3;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "s")
    scale = 1e9;
  else if (unit == "m" || unit == "min")
    scale = 60e9;
  else if (unit == "h")
    scale = 3600e9;
  else
    return bad();
  if (value * scale > static_cast<double>(kMaxDurationNs)) {
    return invalid_input(fmt::format("duration '{}' is longer than {}h, the longest ktstr accepts",
                                     text, kMaxDurationNs / 3600000000000ULL));
  }
  return static_cast<uint64_t>(std::llround(value * scale));
}

std::string format_duration_ns(uint64_t ns) {
  struct Unit {
    uint64_t scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1000000000ULL, "s"}, {1000000ULL, "ms"}, {1000ULL, "us"}};
  for (const auto& u : kUnits) {
    if (ns >= u.scale) {
      double v = static_cast<double>(ns) / static_cast<double>(u.scale);
      return fmt::format("{:g}{}", v, u.name);
    }
  }
  return fmt::format("{}ns", ns);
}

}  // namespace ktstr
