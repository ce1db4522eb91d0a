// Installing a signal handler without libc's sigaction(), for the forked
// worker path (libc's wrapper and its PLT entry are two more code windows a
// fresh child would fault in). Same semantics as sigaction() with an empty
// mask and no flags.
#pragma once

namespace ktstr {

// Returns 0 or -errno.
long raw_set_signal_handler(int sig, void (*handler)(int));

}  // namespace ktstr
