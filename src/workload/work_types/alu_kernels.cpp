#include "workload/work_types/alu_kernels.hpp"

#include <fmt/core.h>

namespace ktstr::workload {
namespace {

template <int kBytes>
struct VecOf;
template <>
struct VecOf<8> {
  using type = double;
};
template <>
struct VecOf<16> {
  typedef double type __attribute__((vector_size(16)));
};
template <>
struct VecOf<32> {
  typedef double type __attribute__((vector_size(32)));
};
template <>
struct VecOf<64> {
  typedef double type __attribute__((vector_size(64)));
};

// The empty asm pins each chain in a register of the width under test, so
// the compiler can neither fold the chains nor pack scalar ones together.
#if defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
// clang checks "+x" on a 256/512-bit type where the template is defined,
// outside its callers' avx/avx512f targets, and refuses it. A memory operand
// keeps the chains apart too; only the fuzz build (tests/fuzz) uses clang,
// and it never runs these loops.
#define KTSTR_CHAIN_REG "+m"
#elif defined(__x86_64__) || defined(__i386__)
#define KTSTR_CHAIN_REG "+x"
#elif defined(__aarch64__)
#define KTSTR_CHAIN_REG "+w"
#else
#define KTSTR_CHAIN_REG "+m"
#endif

// Multiplying by a factor just below 1 keeps every lane a normal number
// for far more steps than one call runs, so no denormal slow path.
template <int kBytes>
[[gnu::always_inline]] inline double multiply_chains(uint64_t steps) {
  using V = typename VecOf<kBytes>::type;
  const V one = V{} + 1.0;
  const V factor = V{} + 0.99999999;
  V a0 = one, a1 = one, a2 = one, a3 = one, a4 = one, a5 = one, a6 = one, a7 = one;
  static_assert(kAluChains == 8);
  for (uint64_t s = 0; s < steps; ++s) {
    a0 *= factor;
    a1 *= factor;
    a2 *= factor;
    a3 *= factor;
    a4 *= factor;
    a5 *= factor;
    a6 *= factor;
    a7 *= factor;
    asm volatile(""
                 : KTSTR_CHAIN_REG(a0), KTSTR_CHAIN_REG(a1), KTSTR_CHAIN_REG(a2),
                   KTSTR_CHAIN_REG(a3), KTSTR_CHAIN_REG(a4), KTSTR_CHAIN_REG(a5),
                   KTSTR_CHAIN_REG(a6), KTSTR_CHAIN_REG(a7));
  }
  const V sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  if constexpr (kBytes == 8) {
    return sum;
  } else {
    double out = 0;
    for (int lane = 0; lane < kBytes / 8; ++lane) out += sum[lane];
    return out;
  }
}

double chains_scalar(uint64_t steps) {
  return multiply_chains<8>(steps);
}

// SSE2 is part of the x86-64 baseline and NEON of AArch64; elsewhere GCC
// lowers the 128-bit vector to scalar code, so vec128 is not offered there.
double chains_128(uint64_t steps) {
  return multiply_chains<16>(steps);
}

#if defined(__x86_64__)
[[gnu::target("avx")]] double chains_256(uint64_t steps) {
  return multiply_chains<32>(steps);
}
[[gnu::target("avx512f")]] double chains_512(uint64_t steps) {
  return multiply_chains<64>(steps);
}
#endif

}  // namespace

std::optional<VecWidth> parse_vec_width(std::string_view name) {
  for (auto w : {VecWidth::kScalar, VecWidth::kVec128, VecWidth::kVec256, VecWidth::kVec512}) {
    if (name == vec_width_name(w)) return w;
  }
  return std::nullopt;
}

const char* vec_width_name(VecWidth w) {
  switch (w) {
    case VecWidth::kScalar:
      return "scalar";
    case VecWidth::kVec128:
      return "vec128";
    case VecWidth::kVec256:
      return "vec256";
    case VecWidth::kVec512:
      return "vec512";
  }
  return "?";
}

int vec_width_bits(VecWidth w) {
  switch (w) {
    case VecWidth::kScalar:
      return 64;
    case VecWidth::kVec128:
      return 128;
    case VecWidth::kVec256:
      return 256;
    case VecWidth::kVec512:
      return 512;
  }
  return 0;
}

bool vec_width_supported(VecWidth w) {
  switch (w) {
    case VecWidth::kScalar:
      return true;
    case VecWidth::kVec128:
#if defined(__x86_64__) || defined(__aarch64__)
      return true;
#else
      return false;
#endif
    case VecWidth::kVec256:
#if defined(__x86_64__)
      return __builtin_cpu_supports("avx");
#else
      return false;
#endif
    case VecWidth::kVec512:
#if defined(__x86_64__)
      return __builtin_cpu_supports("avx512f");
#else
      return false;
#endif
  }
  return false;
}

VecWidth widest_vec_width() {
  for (auto w : {VecWidth::kVec512, VecWidth::kVec256, VecWidth::kVec128}) {
    if (vec_width_supported(w)) return w;
  }
  return VecWidth::kScalar;
}

ResolvedWidth resolve_vec_width(std::string_view name) {
  ResolvedWidth out;
  const auto asked = parse_vec_width(name);
  out.width = asked && vec_width_supported(*asked) ? *asked : widest_vec_width();
  if (asked && out.width != *asked) {
    out.downgrade_note =
        fmt::format("width {} is not supported by this CPU; using {} (the widest available)",
                    vec_width_name(*asked), vec_width_name(out.width));
  }
  return out;
}

double run_multiply_chains(VecWidth w, uint64_t steps) {
  switch (w) {
    case VecWidth::kScalar:
      return chains_scalar(steps);
    case VecWidth::kVec128:
      return chains_128(steps);
#if defined(__x86_64__)
    case VecWidth::kVec256:
      return chains_256(steps);
    case VecWidth::kVec512:
      return chains_512(steps);
#endif
    default:
      return chains_scalar(steps);
  }
}

}  // namespace ktstr::workload
