// KTSTR_WORKER_PATH marks code every forked worker runs between fork() and
// _exit(). fork() does not copy page-table entries for code, so a child
// takes one page fault (which maps a 64 KiB window) per window of code it
// touches; with this attribute GCC emits the functions into .text.hot and
// the linker places them side by side, so the whole engine-side worker path
// costs a couple of faults instead of one per scattered function.
#pragma once

#define KTSTR_WORKER_PATH [[gnu::hot]]
