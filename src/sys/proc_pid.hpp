// Facts about one process read from procfs, for the harness's own
// bookkeeping: where a process that will not die is stuck (evidence for a
// report instead of a hang), and its start time (so a recorded pid is not
// mistaken for a later process that reused it). Parsers take text so they
// test from strings; the readers take the procfs root as a seam.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktstr::sys {

// Field 3 (state letter) and field 22 (start time, clock ticks since boot)
// of /proc/PID/stat text; the comm field may contain spaces and ')'.
std::optional<char> parse_stat_state(std::string_view stat);
std::optional<uint64_t> parse_stat_start_ticks(std::string_view stat);

// "state D (disk sleep), wchan __refrigerator, stack: __refrigerator <-
// get_signal <- ..." from the texts of /proc/PID/{stat,wchan,stack}; parts
// that are empty (no root, no CONFIG_STACKTRACE) are left out.
std::string format_stuck_evidence(std::string_view stat, std::string_view wchan,
                                  std::string_view stack);

// Reads the three files of `pid` and formats them; "process gone" when
// /proc/PID no longer exists.
std::string stuck_evidence(pid_t pid, const std::string& procfs = "/proc");

// The start time of `pid`; nullopt when it does not exist.
std::optional<uint64_t> process_start_ticks(pid_t pid, const std::string& procfs = "/proc");

}  // namespace ktstr::sys
