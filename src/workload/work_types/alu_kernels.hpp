// Dependent floating-point multiply chains at a chosen vector width, for
// alu_hot and the alu_hot phase of sequence. The vector paths are compiled
// with GCC target attributes, so the binary stays generic x86-64 and picks
// the width at run time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktstr::workload {

enum class VecWidth { kScalar, kVec128, kVec256, kVec512 };

// Independent chains per step: enough to fill the multiply pipelines, so
// the unit is saturated rather than latency-bound.
inline constexpr int kAluChains = 8;

// "scalar", "vec128", "vec256", "vec512"; nullopt for anything else
// (including "widest", which resolve_vec_width handles).
std::optional<VecWidth> parse_vec_width(std::string_view name);
const char* vec_width_name(VecWidth w);
int vec_width_bits(VecWidth w);
// Whether this CPU (and the OS's saved register state) can run `w`.
bool vec_width_supported(VecWidth w);
VecWidth widest_vec_width();

struct ResolvedWidth {
  VecWidth width = VecWidth::kScalar;
  std::string downgrade_note;  // non-empty when the asked width is unsupported
};
// `name` is "widest" or a width name already validated by the caller.
ResolvedWidth resolve_vec_width(std::string_view name);

// `steps` steps of kAluChains dependent multiplies at width `w`; the result
// depends on every multiply so none can be elided. `w` must be supported.
double run_multiply_chains(VecWidth w, uint64_t steps);

}  // namespace ktstr::workload
