#include "gauntlet/cost.hpp"

namespace ktstr::gauntlet {

uint64_t CostModel::boot_ms(int cpus) const {
  return boot_base_ms + boot_per_cpu_ms * static_cast<uint64_t>(cpus > 0 ? cpus : 1);
}

uint64_t CostModel::estimate_ms(int cpus, uint64_t duration_ms) const {
  return boot_ms(cpus) + guest_overhead_ms + duration_ms;
}

}  // namespace ktstr::gauntlet
