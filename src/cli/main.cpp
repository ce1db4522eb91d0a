// ktstr entry point: builds the CLI from the registered subcommands and maps
// errors to exit codes. Guest-init mode (PID 1 in a VM) is dispatched from
// here too.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "cli/command.hpp"
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

}  // namespace ktstr::cli

int main(int argc, char** argv) {
  // Inside a test VM ktstr is the init process (see vm/guest_init.hpp).
  if (getpid() == 1) return ktstr::vm::guest_init_main(argc, argv);
  using namespace ktstr;
  using namespace ktstr::cli;
  set_process_args(argc, argv);
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
  if (!chosen) return kExitInvalid;
  return chosen();
}
