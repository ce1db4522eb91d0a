// Rules every subcommand's options follow (docs/cli.md "Flag rules"):
// numbers are checked as typed (a "-1" is reported as -1, never as the
// unsigned value it would wrap to), a repeatable option takes exactly one
// value per flag (so it never swallows a following positional), VM-only
// flags without --vm are errors, and an unknown subcommand names the
// nearest one.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace ktstr::cli {

// One value per occurrence, repeatable: `--check a=1 steady` leaves `steady`
// to the positional.
CLI::Option* repeatable(CLI::Option* opt);

// A decimal integer in min..max, checked on the text before CLI11 converts
// it. The message is "must be an integer in MIN..MAX, got TEXT".
CLI::Validator int_in(int64_t min, int64_t max);

// A decimal integer in 0..2^64-1; a sign or anything else is refused.
CLI::Validator unsigned_int();

// For the chosen (deepest) subcommand: "" or the error for a VM-only flag
// (--kernel, --topology, --scheduler, ...) given on the command line
// (`args`, argv without argv[0]) while the subcommand has a --vm switch that
// is off. Environment variables (KTSTR_SCHEDULER, ...) are ambient
// configuration and not refused.
std::string vm_only_flag_error(const CLI::App& leaf, const std::vector<std::string>& args);

// "" or "unknown command 'rnu'; did you mean 'run'? ..." when a word of
// `args` (argv without argv[0]) sits where `app` or one of its nested
// subcommands expects a subcommand name and names none.
std::string unknown_subcommand_error(const CLI::App& app, const std::vector<std::string>& args);

// The deepest subcommand chosen by the last parse (`app` when none).
const CLI::App& chosen_leaf(const CLI::App& app);

}  // namespace ktstr::cli
