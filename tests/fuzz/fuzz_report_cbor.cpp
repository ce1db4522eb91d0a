// libFuzzer target: the worker report reader (CBOR from a child process),
// both as a bare report array and as a framed report of two workers.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "workload/report_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ktstr::workload;
  auto reports = decode_reports(data, size);
  if (reports) (void)encode_reports(*reports);
  std::vector<uint8_t> frame(data, data + size);
  const WorkerSlot slots[] = {{0, 0, 3}, {1, 0, 4}};
  auto framed = decode_report_frame(frame, slots);
  if (!framed) (void)framed.error().message;
  return 0;
}
