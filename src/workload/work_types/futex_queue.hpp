// producer_consumer_imbalance, registered by register_futex_work_types (kept
// in its own file because the ring protocol needs room to explain itself).
#pragma once

namespace ktstr::workload {

class WorkTypeRegistry;

void register_producer_consumer_work_type(WorkTypeRegistry& reg);

}  // namespace ktstr::workload
