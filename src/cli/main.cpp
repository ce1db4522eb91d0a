// ktstr entry point: builds the CLI from the registered subcommands and maps
// errors to exit codes. Guest-init mode (PID 1 in a VM) is dispatched from
// here too.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <new>
#include <stdexcept>
#include <vector>

#include "cli/command.hpp"
#include "cli/option_rules.hpp"
#include "cli/vm_flags.hpp"
#include "util/version.hpp"
#include "vm/guest_init.hpp"

namespace ktstr::cli {
namespace {

struct Entry {
  const char* name;
  SetupFn fn;
};

std::vector<Entry>& registry() {
  static std::vector<Entry> r;
  return r;
}

}  // namespace

CommandRegistrar::CommandRegistrar(const char* name, SetupFn fn) {
  registry().push_back({name, fn});
}

int report_error(const Error& e) {
  fmt::print(stderr, "ktstr: error: {}\n", e.describe());
  return exit_code_for(e.kind);
}

bool decorations_allowed(int fd) {
  return isatty(fd) != 0 && std::getenv("CI") == nullptr;
}

namespace {

// Refusals that CLI11 cannot express: an unknown subcommand (with the nearest
// name) before parsing, a VM-only flag without --vm after it.
int refuse(const std::string& message) {
  fmt::print(stderr, "ktstr: error: {}\n", message);
  return kExitInvalid;
}

int run_cli(int argc, char** argv) {
  set_process_args(argc, argv);
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  CLI::App app{"ktstr: reproducible tests for Linux process schedulers (EEVDF and sched_ext)",
               "ktstr"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       fmt::format("ktstr {} (git {})", ktstr::kVersion, ktstr::kGitDescribe));
  auto entries = registry();
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return std::string_view(a.name) < b.name; });
  Action chosen;
  for (const auto& e : entries) e.fn(app, chosen);
  if (auto msg = unknown_subcommand_error(app, args); !msg.empty()) return refuse(msg);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitInvalid;
  }
  if (auto msg = vm_only_flag_error(chosen_leaf(app), args); !msg.empty()) return refuse(msg);
  if (!chosen) return kExitInvalid;
  return chosen();
}

// The last resort for an exception no layer turned into an Error. It is
// caught here, at the top, so the stack has unwound first: every RAII owner
// of cgroups, workers and VMs below has torn its part down.
int report_escaped(const char* kind, const char* what, int code) {
  fmt::print(stderr,
             "ktstr: error: unexpected {}: {}; the run was torn down. This is a ktstr bug (an "
             "input or failure that should have been refused with a reason): please report it "
             "with the command line\n",
             kind, what);
  return code;
}

}  // namespace
}  // namespace ktstr::cli

int main(int argc, char** argv) {
  // Inside a test VM ktstr is the init process (see vm/guest_init.hpp).
  if (getpid() == 1) return ktstr::vm::guest_init_main(argc, argv);
  using ktstr::cli::report_escaped;
  // Size and range errors come from a value that got past validation
  // (invalid input); the rest from the system (environment).
  try {
    return ktstr::cli::run_cli(argc, argv);
  } catch (const std::bad_alloc& e) {
    return report_escaped("out of memory", e.what(), ktstr::kExitEnvironment);
  } catch (const std::logic_error& e) {
    return report_escaped("invalid value", e.what(), ktstr::kExitInvalid);
  } catch (const std::exception& e) {
    return report_escaped("failure", e.what(), ktstr::kExitEnvironment);
  } catch (...) {
    return report_escaped("failure", "unknown exception", ktstr::kExitEnvironment);
  }
}
