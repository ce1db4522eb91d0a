// SIGINT/SIGTERM turned into bytes on a pipe while a VM run is in progress,
// so the run can kill QEMU, remove its temp files and report "interrupted"
// (exit 130) instead of dying with QEMU and files left behind. The previous
// dispositions come back on destruction. One instance at a time.
#pragma once

#include <signal.h>

#include "util/unique_fd.hpp"

namespace ktstr::vm {

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
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace ktstr::vm
