// /dev/kmsg records and the sched_ext lines we look for in them.
// Pure parsing; the reader that owns the fd is KmsgReader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/unique_fd.hpp"

namespace ktstr::sched {

struct KmsgRecord {
  int level = 6;  // syslog level (priority & 7)
  uint64_t seq = 0;
  uint64_t timestamp_us = 0;  // since boot
  std::string message;        // first line only (no dictionary lines)
};

// Parses one read(2) of /dev/kmsg: "PRI,SEQ,TS,FLAGS[,...];MESSAGE\n[ KEY=V\n...]".
std::optional<KmsgRecord> parse_kmsg_record(std::string_view raw);

// `sched_ext: BPF scheduler "OPS" disabled (REASON)`.
struct SchedExtDisable {
  std::string ops;
  std::string reason;  // "runnable task stall", "scx_bpf_error", "unregistered from user space"...
};
std::optional<SchedExtDisable> parse_disable_line(std::string_view message);

// `OPS: COMM[PID] failed to run for N.NNNs` (the watchdog's stall report).
bool is_stall_line(std::string_view message);
// True for any line the kernel's sched_ext code prints ("sched_ext: ...").
bool is_sched_ext_line(std::string_view message);

// Non-blocking reader of /dev/kmsg (or a fixture file) from its start.
class KmsgReader {
 public:
  // Opens `path` O_NONBLOCK; an unopenable path gives a reader that reads nothing.
  explicit KmsgReader(const std::string& path = "/dev/kmsg");
  // Records available now.
  std::vector<KmsgRecord> read_available();
  bool valid() const { return fd_.valid(); }

 private:
  UniqueFd fd_;
};

}  // namespace ktstr::sched
