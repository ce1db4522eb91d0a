// The frame a forked worker (or pcomm container) writes on its report pipe:
// the ready byte 'r', a native u64 length, then that many bytes of CBOR
// reports (report_cbor.cpp). The parent treats all of it as untrusted: a
// length beyond what its workers could send, a frame that is not one, or
// reports that are not exactly its workers' make the frame corrupt, and
// every worker of that child becomes a sentinel saying why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "workload/handle_state.hpp"
#include "workload/report.hpp"

namespace ktstr::workload {

inline constexpr size_t kReportFrameHeaderBytes = 1 + sizeof(uint64_t);  // 'r' + length
// More than a worker with full reservoirs and migrations sends (~2.5 MiB).
inline constexpr uint64_t kMaxReportBytesPerWorker = uint64_t{16} << 20;

enum class FrameState { kIncomplete, kComplete, kCorrupt };

// What `buf` holds so far for a child reporting `workers` workers. kCorrupt
// as soon as the bytes cannot become a valid frame (no ready byte, a length
// over workers * kMaxReportBytesPerWorker, more bytes than the length);
// `why` (when given) then says which.
FrameState report_frame_state(const std::vector<uint8_t>& buf, size_t workers,
                              std::string* why = nullptr);

// The reports of a complete frame from the child running `slots`: exactly
// one per slot, in any order; group_idx comes from the slot (the parent
// knows it), not from the bytes. Errors read "report corrupt: <reason>".
Result<std::vector<WorkerReport>> decode_report_frame(const std::vector<uint8_t>& buf,
                                                      std::span<const WorkerSlot> slots);

}  // namespace ktstr::workload
