// A minimal QMP (QEMU Machine Protocol) client over QEMU's unix socket, used
// for one thing: evidence of where a guest that produced no result before
// its timeout was. Each vCPU's thread id (query-cpus-fast) and instruction
// pointer (`info registers -a` through human-monitor-command), the RIP
// resolved to a kernel symbol with the vmlinux (kernel_symbols.hpp).
//
// Every call is bounded by a deadline: a wedged QEMU must not turn a timeout
// report into a hang of its own.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace ktstr::vm {

class QmpClient {
 public:
  // Connects, reads the greeting and negotiates capabilities.
  static Result<QmpClient> connect(const std::string& socket_path, uint64_t timeout_ms);
  // Runs `command` (with `arguments` unless null); its "return" value, or an
  // error with QMP's "desc". Asynchronous events in between are skipped.
  Result<nlohmann::json> execute(const std::string& command, const nlohmann::json& arguments,
                                 uint64_t timeout_ms);

 private:
  Result<nlohmann::json> read_message(uint64_t deadline_ns);
  UniqueFd fd_;
  std::string buf_;
};

struct VcpuState {
  int index = -1;
  pid_t thread_id = 0;          // QEMU's vCPU thread on the host
  std::optional<uint64_t> rip;  // from `info registers -a`
  std::string symbol;           // "native_safe_halt+0x12", empty if unresolved
};

// query-cpus-fast "return" value -> index and thread id per vCPU.
std::vector<VcpuState> parse_query_cpus_fast(const nlohmann::json& ret);
// `info registers -a` text ("CPU#0" headers, "RIP=ffffffff81..." fields)
// -> RIP per CPU index.
std::vector<std::pair<int, uint64_t>> parse_info_registers_rips(std::string_view text);

// The vCPUs of the QEMU behind `socket_path`, RIPs resolved with
// `vmlinux` (empty: not resolved). Error when QMP does not answer in time.
Result<std::vector<VcpuState>> query_vcpus(const std::string& socket_path,
                                           const std::string& vmlinux, uint64_t timeout_ms);

// "vCPU 0 (thread 1234) at native_safe_halt+0x12 (ffffffff81c5a3b2)".
std::string describe_vcpu(const VcpuState& v);

}  // namespace ktstr::vm
