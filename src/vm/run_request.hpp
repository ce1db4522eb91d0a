// What the host asks the guest init to do: the file /ktstr/request.json in
// the per-run initramfs. Exactly one of argv / shell_command /
// interactive_shell is used (in that order of precedence).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

inline constexpr const char* kRequestPath = "/ktstr/request.json";
inline constexpr const char* kGuestSchedulerDir = "/ktstr/bin";

struct RunRequest {
  std::vector<std::string> argv;   // ktstr subcommand + args, run as /init (KTSTR_GUEST_INIT=1)
  std::string shell_command;       // else: busybox sh -c CMD
  bool interactive_shell = false;  // else: busybox sh on the console
  std::string topology;            // expected "NnLlCcTt"; empty: no check
  std::string scheduler_name;      // "eevdf" or binary name
  std::string scheduler_path;      // guest path; empty: EEVDF
  std::vector<std::string> scheduler_args;
  uint64_t attach_timeout_ms = 30000;  // BPF verification is slow under TCG
  uint64_t command_timeout_ms = 0;     // stop the command after this; 0: none
  bool stop_on_scheduler_failure = true;
  uint64_t failure_grace_ms = 2000;  // time for the scheduler to print EXIT/dump
};

std::string to_json_text(const RunRequest& r);
Result<RunRequest> parse_run_request(const std::string& text);

}  // namespace ktstr::vm
