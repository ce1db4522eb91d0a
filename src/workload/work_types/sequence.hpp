// The `sequence` work type: a user-given list of timed phases run in order
// every iteration (registered by the alu family, which owns its alu_hot
// phase).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/alu_kernels.hpp"

namespace ktstr::workload {

struct SequencePhase {
  enum class Kind { kSpin, kSleep, kYield, kIo, kAluHot };
  Kind kind = Kind::kSpin;
  uint64_t duration_ns = 0;
  std::string width = "widest";  // kAluHot only
};

const char* phase_kind_name(SequencePhase::Kind k);

// Parses "kind:duration" items (kind spin|sleep|yield|io) and
// "alu_hot[:width]:duration". Errors are kInvalidInput naming param
// `phases`, the 1-based phase number and its text.
Result<std::vector<SequencePhase>> parse_sequence_phases(const std::vector<std::string>& items);

WorkTypeDef make_sequence_work_type();

}  // namespace ktstr::workload
