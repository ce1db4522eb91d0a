#include "scenario/interrupt.hpp"

#include <signal.h>
#include <time.h>

#include <atomic>

#include "util/clock.hpp"
#include "vm/signal_catcher.hpp"

namespace ktstr::scenario {
namespace {

std::atomic<bool> g_interrupted{false};

void on_signal(int /*sig*/) {
  g_interrupted.store(true);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : vm::kTeardownSignals) sigaction(sig, &sa, nullptr);
}

bool interrupted() {
  return g_interrupted.load();
}

bool sleep_unless_interrupted(uint64_t ns) {
  const uint64_t end = mono_ns() + ns;
  while (!interrupted()) {
    uint64_t now = mono_ns();
    if (now >= end) return true;
    timespec ts = ns_to_timespec(std::min<uint64_t>(end - now, 50'000'000));
    nanosleep(&ts, nullptr);
  }
  return false;
}

}  // namespace ktstr::scenario
