// The host-side entry point of VM mode: boot a test kernel with a topology,
// the scheduler under test and a command, and bring back the guest's result
// document plus the console log and timings.
//
//   VmRequest req;
//   req.topology = "1n2l2c1t";
//   req.scheduler = "scx_simple";
//   req.argv = {"workload", "--type", "spin_wait", "--json"};
//   auto r = run_in_vm(req);       // Result<VmResult>
//
// $KTSTR_QEMU overrides the QEMU binary (default qemu-system-x86_64).
// Errors (Result) are for runs that could not start: no kernel, no QEMU,
// bad topology or scheduler (environment / invalid input, with the fix).
// Everything after launch — guest verdicts, timeouts, panics, Ctrl-C — is a
// VmResult with verdict + reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"
#include "vm/accel.hpp"
#include "vm/guest_verdict.hpp"
#include "vm/kernel_store.hpp"

namespace ktstr::vm {

struct VmRequest {
  std::string kernel = "auto";  // auto | sched-ext | debian | cache key | path
  std::string topology = "1n1l2c1t";
  std::string scheduler = "eevdf";  // eevdf | scx_simple | ... | path to a binary
  std::vector<std::string> scheduler_args;
  std::vector<std::string> argv;    // ktstr subcommand argv to run in the guest, or
  std::string shell_command;        // a busybox `sh -c` command, or
  bool interactive = false;         // a shell on this terminal
  uint64_t timeout_ms = 0;          // wall clock for the whole VM; 0: 180 s
  uint64_t command_timeout_ms = 0;  // guest-side limit for the command; 0: none
  uint64_t attach_timeout_ms = 30000;
  Accel accel = Accel::kAuto;
  uint64_t memory_mib = 0;    // 0: max(256, 64/vCPU) + initramfs
  std::string log_dir;        // keep console.log etc. here; empty: a temp dir, removed
  std::string cache_root;     // empty: KTSTR_CACHE_DIR / XDG / ~/.cache/ktstr
  std::string init_binary;    // empty: this executable
  std::string cmdline_extra;  // appended to the kernel command line
  // Host files copied into the guest (e.g. a scenario file for `run FILE`):
  // {host path, absolute guest path}; rewrite argv to the guest path.
  std::vector<std::pair<std::string, std::string>> extra_files;
  // More schedulers for the guest's /ktstr/bin (replace_scheduler ops):
  // fixture names of the kernel, resolved like `scheduler`.
  std::vector<std::string> extra_schedulers;
  // Host programs copied into the guest with their shared libraries
  // (payloads): {host path, absolute guest path}.
  std::vector<std::pair<std::string, std::string>> extra_binaries;
};

struct VmTimings {
  double prepare_ms = 0;         // kernel resolution + initramfs
  double launch_to_init_ms = 0;  // QEMU start -> guest init running (0: never)
  double init_to_result_ms = 0;
  double teardown_ms = 0;  // result received -> QEMU gone
  double total_ms = 0;     // QEMU start -> QEMU gone
};

struct VmResult {
  GuestVerdict verdict = GuestVerdict::kError;
  std::string reason;
  int exit_code = -1;       // the guest command's exit status
  nlohmann::json document;  // the guest's result document (null if none)
  nlohmann::json output;    // document["output"]
  bool timed_out = false;
  int interrupted_by = 0;   // SIGINT/SIGTERM number when interrupted
  std::string console_log;  // path when log_dir was given
  std::vector<std::string> console_tail;
  std::string accel;  // "kvm" | "tcg"
  std::string accel_reason;
  KernelInfo kernel;
  std::string topology;
  VmTimings timings;
  std::vector<std::string> qemu_argv;
  // Timed out without a result: each vCPU's RIP and kernel symbol (QMP).
  std::vector<std::string> hang_evidence;
  // Host side: 1 + Σ run delay / Σ on-CPU of the vCPU threads (sched/noise.hpp).
  std::optional<double> vcpu_dilation;
};

Result<VmResult> run_in_vm(const VmRequest& req);

// One human line: "VM: tcg (TCG: ...), kernel 6.12.117-scx, 1n2l2c1t, 0.9 s to init".
std::string describe_vm_run(const VmResult& r);

}  // namespace ktstr::vm
