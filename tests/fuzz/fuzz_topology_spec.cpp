// libFuzzer target: the topology spec parser ("1n2l4c2t"). A spec that
// parses must print back to a spec that parses to the same thing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "topology/spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = ktstr::topo::TopologySpec::parse(text);
  if (!spec) return 0;
  auto again = ktstr::topo::TopologySpec::parse(spec->to_string());
  if (!again || again->to_string() != spec->to_string()) std::abort();
  return 0;
}
