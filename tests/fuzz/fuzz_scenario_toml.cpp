// libFuzzer target: the scenario TOML loader (scenario::parse_scenario_toml).
// Any input must give a Scenario or an error; never a crash, a hang or an
// escaped exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario/toml_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = ktstr::scenario::parse_scenario_toml(text, "fuzz.toml");
  if (!s) (void)s.error().describe();
  return 0;
}
