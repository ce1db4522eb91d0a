// Subcommand registration for the `ktstr` binary.
//
// Each cmd_*.cpp file registers its subcommand with KTSTR_CLI_COMMAND; the
// cli sources are compiled straight into the executable, so the static
// registrars are never dropped by the linker. A command's setup function
// adds a CLI11 subcommand and returns the action to run when it is chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "util/exit_codes.hpp"
#include "util/result.hpp"

namespace ktstr::cli {

using Action = std::function<int()>;
// Adds the subcommand to `app`; sets `chosen` from the subcommand callback.
using SetupFn = void (*)(CLI::App& app, Action& chosen);

struct CommandRegistrar {
  CommandRegistrar(const char* name, SetupFn fn);
};

// Prints "ktstr: <error>" to stderr and returns the exit code for its kind.
int report_error(const Error& e);

// True when decorations (colour, progress bars) are allowed on `fd`:
// a TTY and CI unset.
bool decorations_allowed(int fd);

}  // namespace ktstr::cli

#define KTSTR_CLI_CONCAT2(a, b) a##b
#define KTSTR_CLI_CONCAT(a, b) KTSTR_CLI_CONCAT2(a, b)
#define KTSTR_CLI_COMMAND(name, fn) \
  static const ::ktstr::cli::CommandRegistrar KTSTR_CLI_CONCAT(ktstr_cmd_, __LINE__)(name, fn)
