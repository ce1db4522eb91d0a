// KTSTR_CHECK: an always-on invariant check. A failure is a bug in ktstr,
// not bad input; it prints the condition and location and aborts.
#pragma once

namespace ktstr::detail {
[[noreturn]] void check_failed(const char* cond, const char* file, int line, const char* msg);
}

#define KTSTR_CHECK(cond, msg)                                                    \
  do {                                                                            \
    if (!(cond)) ::ktstr::detail::check_failed(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)
