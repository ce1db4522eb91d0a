// Termination signals turned into bytes on a pipe while a VM run is in
// progress, so the run can kill QEMU, remove its temp files and report
// "interrupted" (exit 130) instead of dying with QEMU and files left behind.
// The previous dispositions come back on destruction. One instance at a time.
#pragma once

#include <signal.h>

#include <array>

#include "util/unique_fd.hpp"

namespace ktstr::vm {

// Every signal that means "stop and tear down" (exit 130): Ctrl-C, kill,
// a closed terminal (SIGHUP), Ctrl-\ (SIGQUIT) and a closed output pipe
// (SIGPIPE, e.g. `ktstr run | head`; later writes then fail with EPIPE).
// The host run loop (scenario/interrupt) uses the same list.
inline constexpr std::array<int, 5> kTeardownSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

class SignalCatcher {
 public:
  SignalCatcher();
  ~SignalCatcher();
  SignalCatcher(const SignalCatcher&) = delete;
  SignalCatcher& operator=(const SignalCatcher&) = delete;

  // Readable when a signal arrived; each byte is a signal number. -1 if the
  // pipe could not be created (signals then keep their old behaviour).
  int fd() const { return read_.get(); }
  // The first signal caught so far (consumes it), 0 if none.
  int take();

 private:
  UniqueFd read_, write_;
  std::array<struct sigaction, kTeardownSignals.size()> old_{};
};

}  // namespace ktstr::vm
