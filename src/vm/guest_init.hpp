// Guest init: ktstr running as PID 1 inside the test VM.
//
// Mounts the pseudo filesystems, verifies the topology against the run
// request, starts and watches the scheduler under test, runs the requested
// command (a ktstr subcommand via /init itself, a busybox shell command, or
// an interactive shell), writes ONE JSON result document to the second UART
// and powers off. Every path — including a crash of the init itself — ends
// in a result document with a verdict and a reason, never a silent hang.
//
// Result document (schema 1):
//   {"schema":1, "verdict":"pass|fail|error", "reason":"...",
//    "guest":{"kernel_release","boot_ms","init_ms","topology":{...},
//             "topology_requested","topology_ok","mount_errors":[...]},
//    "scheduler":{name, ops, alive, state, failure/exit_reason, stall_line,
//                 exit_line, log_tail, dump, kernel_lines, ...},
//    "exit_code":N, "output":<parsed JSON stdout, or its text>,
//    "stderr_tail":[...], "command_timed_out":bool}
#pragma once

namespace ktstr::vm {

// Entry point when getpid() == 1. Does not return (powers off).
int guest_init_main(int argc, char** argv);

}  // namespace ktstr::vm
