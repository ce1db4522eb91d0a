#include "vm/signal_catcher.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace ktstr::vm {
namespace {

int g_signal_pipe_w = -1;

void forward_signal(int sig) {
  unsigned char b = static_cast<unsigned char>(sig);
  ssize_t r = ::write(g_signal_pipe_w, &b, 1);
  (void)r;
}

}  // namespace

SignalCatcher::SignalCatcher() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
  read_.reset(fds[0]);
  write_.reset(fds[1]);
  g_signal_pipe_w = write_.get();
  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < kTeardownSignals.size(); ++i) {
    ::sigaction(kTeardownSignals[i], &sa, &old_[i]);
  }
}

SignalCatcher::~SignalCatcher() {
  if (!read_) return;
  for (size_t i = 0; i < kTeardownSignals.size(); ++i) {
    ::sigaction(kTeardownSignals[i], &old_[i], nullptr);
  }
  g_signal_pipe_w = -1;
}

int SignalCatcher::take() {
  unsigned char sig = 0;
  if (read_ && ::read(read_.get(), &sig, 1) == 1) return sig;
  return 0;
}

}  // namespace ktstr::vm
