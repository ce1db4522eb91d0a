// libFuzzer target: the result-document reader behind `ktstr compare`,
// `report` and `merge` (report::parse_compare_input over
// scenario::parse_run_result).
#include <cstddef>
#include <cstdint>
#include <string>

#include "report/compare.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto in = ktstr::report::parse_compare_input("fuzz.json", text);
  if (!in) (void)in.error().describe();
  return 0;
}
