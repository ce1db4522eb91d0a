// Running one QEMU guest to completion under a wall-clock timeout.
//
// QEMU is our child (sys::Subprocess) with PR_SET_PDEATHSIG(SIGKILL) and
// (non-interactive) in its own process group, so a killed harness leaves no QEMU and a terminal
// Ctrl-C reaches us first: we kill QEMU and report `interrupted`.
//
// A guest that gives no result before the timeout is looked at over QMP
// (a unix socket in run_dir) before it is killed: each vCPU's RIP, resolved
// to a kernel symbol, goes into QemuOutcome::hang_evidence.
//
// The result channel is the guest's second UART, connected to a FIFO that
// we hold open read-write (so it never reports EOF/HUP before QEMU opens
// it). The guest writes framed lines on it (framing in result_channel.hpp)
// and then powers off; QEMU exits by itself (-no-reboot).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "vm/qemu_args.hpp"
#include "vm/result_channel.hpp"
#include "vm/signal_catcher.hpp"

namespace ktstr::vm {

struct QemuRun {
  QemuConfig config;    // result_path is set by run_qemu (a FIFO in run_dir)
  std::string run_dir;  // scratch directory (FIFO, QEMU stderr)
  uint64_t timeout_ms = 60000;
  bool interactive = false;  // console on our stdio
  // Caller-owned catcher (so a signal during preparation also counts);
  // null: run_qemu installs its own for the duration of the run.
  SignalCatcher* signals = nullptr;
  // Unstripped vmlinux for resolving vCPU RIPs in hang evidence; may be empty.
  std::string vmlinux;
};

struct QemuOutcome {
  std::vector<std::string> argv;
  bool timed_out = false;
  int interrupted_by = 0;   // signal number when SIGINT/SIGTERM stopped us
  int exit_code = -1;       // QEMU's exit status; -1 when killed
  std::string result_json;  // between the result markers; empty if none
  bool result_complete = false;
  std::string qemu_stderr;  // QEMU's own diagnostics (tail)
  // On a timeout without a result: where each vCPU was (vm/qmp.hpp
  // describe_vcpu), or why that could not be found out.
  std::vector<std::string> hang_evidence;
  // Monotonic timestamps, ns. 0 = did not happen.
  uint64_t launch_ns = 0;
  uint64_t init_start_ns = 0;
  uint64_t result_ns = 0;
  uint64_t exit_ns = 0;
  // 1 + Σ run delay / Σ on-CPU time of QEMU's vCPU threads from guest init
  // to the result (sched/noise.hpp); nullopt when not measured.
  std::optional<double> vcpu_dilation;
};

// Launches QEMU and waits for it to exit, the timeout, or SIGINT/SIGTERM.
// Errors: QEMU missing (environment, with the install fix), FIFO/fork
// failures. A QEMU that exits at once with an error message is also an
// environment error carrying that message.
Result<QemuOutcome> run_qemu(QemuRun run);

// The last `max_lines` lines of a (console) log file.
std::vector<std::string> file_tail_lines(const std::string& path, size_t max_lines);

}  // namespace ktstr::vm
