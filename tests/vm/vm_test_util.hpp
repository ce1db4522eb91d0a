// Shared helpers for the VM tests: kernel lookup with a skip reason, a base
// request that boots the built ktstr as /init, and running the CLI.
#pragma once

#include <gtest/gtest.h>

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

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout + stderr
};

// Runs `ktstr ARGS` through the shell (args are trusted test literals).
CliRun run_cli(const std::string& args, const std::string& env = "");

}  // namespace ktstr::vm::testing
