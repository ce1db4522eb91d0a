// Shared helpers for the VM tests: kernel lookup with a skip reason, a base
// request that boots the built ktstr as /init, and running the CLI.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "vm/cache.hpp"
#include "vm/kernel_store.hpp"
#include "vm/run_in_vm.hpp"

namespace ktstr::vm::testing {

// The cached kernel of `kind` ("sched-ext" or "debian"), or "" with `why`.
inline std::string find_kernel(const std::string& kind, std::string& why) {
  auto k = resolve_kernel(kind, cache_root());
  if (!k) {
    why = k.error().describe();
    return {};
  }
  return k->dir.empty() ? k->boot_image : k->key;
}

#define KTSTR_REQUIRE_KERNEL(var, kind)                                           \
  std::string var;                                                                \
  {                                                                               \
    std::string why_;                                                             \
    var = ::ktstr::vm::testing::find_kernel(kind, why_);                          \
    if (var.empty()) GTEST_SKIP() << "no " << kind << " kernel cached: " << why_; \
  }

inline VmRequest base_request(const std::string& kernel, const std::string& topology) {
  VmRequest r;
  r.kernel = kernel;
  r.topology = topology;
  r.init_binary = KTSTR_BINARY;
  r.timeout_ms = 120000;
  return r;
}

// run_in_vm, retried once when the guest produced no result document at
// all before the timeout. Under TCG a guest very rarely stops making
// progress while sched_ext flips kernel text (seen about once in 100 boots
// in the fault-injection tests); that is the emulator, not the behaviour
// under test, so one retry is allowed and said out loud.
inline Result<VmResult> run_in_vm_retrying_hang(const VmRequest& req) {
  auto r = run_in_vm(req);
  if (r && r->timed_out && r->document.is_null()) {
    std::fprintf(stderr, "note: guest hung without a result (%s); retrying once\n",
                 r->reason.c_str());
    r = run_in_vm(req);
  }
  return r;
}

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout + stderr
};

// Runs `ktstr ARGS` through the shell (args are trusted test literals).
CliRun run_cli(const std::string& args, const std::string& env = "");

}  // namespace ktstr::vm::testing
