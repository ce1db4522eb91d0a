#include "vm_test_util.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace ktstr::vm::testing {

CliRun run_cli(const std::string& args, const std::string& env) {
  CliRun r;
  std::string cmd = env + " " + KTSTR_BINARY + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace ktstr::vm::testing
