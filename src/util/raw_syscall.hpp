// System calls issued inline, without libc's wrappers. Used on the forked
// worker path: each libc wrapper lives in its own corner of libc's text,
// and a freshly forked child pays a page fault for every such corner it
// calls into (fork copies no page-table entries for code). Inlined here,
// the instruction sits in the caller's code, which the child maps anyway.
//
// Results are the kernel's: >= 0 on success, -errno on failure. errno is
// not touched (a write to it would be one more copy-on-write fault).
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ktstr {

#if defined(__x86_64__)

[[gnu::always_inline]] inline long raw_syscall(long nr, long a = 0, long b = 0, long c = 0,
                                               long d = 0, long e = 0, long f = 0) {
  long ret;
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  register long r9 asm("r9") = f;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}

#else

// Other architectures: libc's generic syscall(), converted to -errno.
inline long raw_syscall(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0,
                        long f = 0) {
  const long r = syscall(nr, a, b, c, d, e, f);
  return r == -1 ? -errno : r;
}

#endif

// A system-call argument register's value: pointers by address, integers
// converted (sign-extended when signed).
template <class T>
inline long raw_arg(T v) {
  if constexpr (std::is_pointer_v<T>) {
    return reinterpret_cast<long>(v);
  } else {
    return static_cast<long>(v);
  }
}

// Typed shorthands for the calls the worker path makes.
inline long raw_read(int fd, void* buf, size_t n) {
  return raw_syscall(SYS_read, fd, raw_arg(buf), raw_arg(n));
}
inline long raw_write(int fd, const void* buf, size_t n) {
  return raw_syscall(SYS_write, fd, raw_arg(buf), raw_arg(n));
}
inline long raw_close(int fd) {
  return raw_syscall(SYS_close, fd);
}
inline long raw_getpid() {
  return raw_syscall(SYS_getpid);
}
inline long raw_gettid() {
  return raw_syscall(SYS_gettid);
}
[[noreturn, gnu::always_inline]] inline void raw_exit(int code) {
  for (;;) raw_syscall(SYS_exit_group, code);
}

}  // namespace ktstr
