#include "util/raw_signal.hpp"

#include <signal.h>

#include <cerrno>
#include <cstdint>

#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"

#if defined(__x86_64__)

// The kernel returns from a handler through the address the process names
// as its restorer, which must issue rt_sigreturn. libc supplies one inside
// sigaction(); this is ours, placed with the rest of the worker path.
extern "C" void ktstr_signal_restorer();
asm(R"(
  .pushsection .text.hot.ktstr_signal_restorer,"ax",@progbits
  .globl ktstr_signal_restorer
  .type ktstr_signal_restorer,@function
ktstr_signal_restorer:
  movq $15, %rax
  syscall
  .size ktstr_signal_restorer, .-ktstr_signal_restorer
  .popsection
)");

namespace ktstr {
namespace {

// The x86-64 kernel's struct sigaction (not libc's: the mask is 8 bytes
// and sits last).
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;
};

constexpr unsigned long kSaRestorer = 0x04000000;

}  // namespace

KTSTR_WORKER_PATH long raw_set_signal_handler(int sig, void (*handler)(int)) {
  static_assert(SYS_rt_sigaction == 13 && SYS_rt_sigreturn == 15);
  const KernelSigaction sa{handler, kSaRestorer, ktstr_signal_restorer, 0};
  return raw_syscall(SYS_rt_sigaction, sig, raw_arg(&sa), 0, sizeof sa.mask);
}

}  // namespace ktstr

#else

namespace ktstr {

long raw_set_signal_handler(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  return sigaction(sig, &sa, nullptr) == 0 ? 0 : -errno;
}

}  // namespace ktstr

#endif
