#include "workload/primitives.hpp"
#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"

#include <time.h>

namespace ktstr::workload {

KTSTR_WORKER_PATH void sleep_ns(WorkerContext& ctx, uint64_t ns) {
  // Long sleeps are chopped so a stop request is honoured promptly.
  uint64_t end = mono_ns() + ns;
  for (;;) {
    uint64_t now = mono_ns();
    if (now >= end || ctx.stopped()) break;
    uint64_t chunk = end - now < kStopPollNs ? end - now : kStopPollNs;
    timespec ts = ns_to_timespec(chunk);
    // Inline: a forked worker then maps no libc code for it.
    raw_syscall(SYS_nanosleep, raw_arg(&ts), 0);
  }
  ctx.tel->after_block();
}

}  // namespace ktstr::workload
