// Ctrl-C handling for long-running commands: SIGINT, SIGTERM, SIGHUP,
// SIGQUIT and SIGPIPE (vm::kTeardownSignals) set a flag the command polls;
// the command then tears down and exits 130. Process-wide:
// the run loop and `ktstr workload` share the one flag.
#pragma once

#include <cstdint>

namespace ktstr::scenario {

void install_interrupt_handlers();
bool interrupted();
// Sleeps up to `ns`, returning early (false) on interrupt.
bool sleep_unless_interrupted(uint64_t ns);

}  // namespace ktstr::scenario
