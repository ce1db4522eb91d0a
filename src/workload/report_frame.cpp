#include "workload/report_frame.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace ktstr::workload {
namespace {

Unexpected<Error> corrupt(std::string_view why) {
  return make_error(ErrorKind::kRuntime, fmt::format("report corrupt: {}", why));
}

}  // namespace

FrameState report_frame_state(const std::vector<uint8_t>& buf, size_t workers, std::string* why) {
  auto bad = [why](std::string text) {
    if (why != nullptr) *why = std::move(text);
    return FrameState::kCorrupt;
  };
  if (buf.empty()) return FrameState::kIncomplete;
  if (buf[0] != 'r') return bad(fmt::format("first byte {:#04x} is not the ready byte", buf[0]));
  if (buf.size() < kReportFrameHeaderBytes) return FrameState::kIncomplete;
  uint64_t len = 0;
  std::memcpy(&len, buf.data() + 1, sizeof len);
  const uint64_t limit = static_cast<uint64_t>(workers) * kMaxReportBytesPerWorker;
  if (len > limit) {
    return bad(
        fmt::format("length {} exceeds the {} bytes {} worker(s) may send", len, limit, workers));
  }
  const uint64_t have = buf.size() - kReportFrameHeaderBytes;
  if (have > len) return bad(fmt::format("{} bytes after a {}-byte report", have - len, len));
  return have == len ? FrameState::kComplete : FrameState::kIncomplete;
}

Result<std::vector<WorkerReport>> decode_report_frame(const std::vector<uint8_t>& buf,
                                                      std::span<const WorkerSlot> slots) {
  std::string why;
  switch (report_frame_state(buf, slots.size(), &why)) {
    case FrameState::kCorrupt:
      return corrupt(why);
    case FrameState::kIncomplete:
      return corrupt(fmt::format("truncated after {} bytes", buf.size()));
    case FrameState::kComplete:
      break;
  }
  auto reports = decode_reports(buf.data() + kReportFrameHeaderBytes,
                                buf.size() - kReportFrameHeaderBytes, slots.size());
  if (!reports) {
    std::string_view msg = reports.error().message;
    if (msg.starts_with("worker report: ")) msg.remove_prefix(15);
    return corrupt(msg);
  }
  std::vector<bool> seen(slots.size(), false);
  for (WorkerReport& r : *reports) {
    // Slots are in worker_index order (prepare_fork).
    const auto it =
        std::lower_bound(slots.begin(), slots.end(), r.worker_index,
                         [](const WorkerSlot& s, size_t wi) { return s.worker_index < wi; });
    const auto k = static_cast<size_t>(it - slots.begin());
    if (it == slots.end() || it->worker_index != r.worker_index) {
      return corrupt(
          fmt::format("worker_index {} is not a worker of this process", r.worker_index));
    }
    if (seen[k]) return corrupt(fmt::format("two reports for worker_index {}", r.worker_index));
    seen[k] = true;
    r.group_idx = slots[k].group_idx;
  }
  return reports;
}

}  // namespace ktstr::workload
